"""Load process files (YAML or JSON, one definition per file, or a BPMN 2.0 diagram named
`<procedure code>.bpmn`) into published processes.

All or nothing: when any file is invalid, nothing is written and every problem of every file
is reported. A file for a procedure that is not in the catalogue is skipped with a warning.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.utils.translation import gettext as _

from motcua.catalog.models import Procedure
from motcua.core.errors import InvalidInput
from motcua.org.models import User
from motcua.processing.bpmn import bpmn_to_definition
from motcua.processing.models import Process, Source
from motcua.processing.publishing import publish_process

DEFAULT_DIR = Path(__file__).resolve().parent / "data" / "processes"
SUFFIXES = (".yaml", ".yml", ".json", ".bpmn")
MAX_FILE_BYTES = 1024 * 1024


@dataclass
class LoadReport:
    published: list[str] = field(default_factory=list)  # "1.001193 v2"
    unchanged: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # warnings

    def __str__(self) -> str:
        return _("%(new)d new version(s), %(same)d unchanged, %(skipped)d skipped") % {
            "new": len(self.published), "same": len(self.unchanged),
            "skipped": len(self.skipped),
        }


class LoadError(InvalidInput):
    code = "invalid_process_files"


def process_files(directory: Path | str) -> list[Path]:
    root = Path(directory)
    if not root.is_dir():
        raise LoadError(_("%(dir)s is not a directory.") % {"dir": root})
    return sorted(p for p in root.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES)


def read_file(path: Path) -> Any:
    if path.suffix.lower() == ".bpmn":  # bpmn.py applies its own size limit and safe parsing
        return bpmn_to_definition(path.read_bytes(), procedure=path.stem)
    if path.stat().st_size > MAX_FILE_BYTES:
        raise ValueError(_("the file is larger than 1 MB"))
    with path.open(encoding="utf-8") as f:
        return yaml.safe_load(f)  # JSON is YAML too


def load_processes(directory: Path | str = DEFAULT_DIR, *, effective_from: dt.date | None = None,
                   first_versions_from: dt.date | None = None,
                   actor: User | None = None) -> LoadReport:
    """Publish every file. A version takes effect on the file's own `effective_from`, else on
    `effective_from` (default today); `first_versions_from`, when given, dates the first version
    of a procedure that has none yet, whatever the file says (the demo backdates them)."""
    report = LoadReport()
    problems: list[str] = []
    with transaction.atomic():
        for path in process_files(directory):
            try:
                raw = read_file(path)
            except (OSError, UnicodeDecodeError, ValueError, yaml.YAMLError) as exc:
                problems.append(f"{path.name}: {_('cannot be read')}: {exc}")
                continue
            if not isinstance(raw, dict):
                problems.append(f"{path.name}: {_('a file holds one definition (a mapping)')}")
                continue
            code = str(raw.get("procedure") or "").strip()
            procedure = Procedure.objects.filter(code=code).first() if code else None
            if procedure is None:
                report.skipped.append(
                    _("%(file)s: procedure %(code)s is not in the catalogue; skipped")
                    % {"file": path.name, "code": code or "?"}
                )
                continue
            try:
                with transaction.atomic():
                    before = Process.objects.filter(procedure=procedure).count()
                    day = None if raw.get("effective_from") else effective_from
                    if first_versions_from and not before:
                        day = first_versions_from
                        raw = {k: v for k, v in raw.items() if k != "effective_from"}
                    source = Source.BPMN if path.suffix.lower() == ".bpmn" else Source.YAML
                    process = publish_process(procedure, raw, source=source,
                                              effective_from=day, actor=actor)
            except InvalidInput as exc:
                problems.append(f"{path.name}: {exc.detail}")
                continue
            label = f"{code}{' [' + process.agency_kind + ']' if process.agency_kind else ''}" \
                    f" v{process.number}"
            if Process.objects.filter(procedure=procedure).count() > before:
                report.published.append(label)
            else:
                report.unchanged.append(label)
        if problems:
            transaction.set_rollback(True)
    if problems:
        raise LoadError("\n".join(problems), problems=problems)
    return report
