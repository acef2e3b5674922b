"""Vietnamese is the default language; English on request; the vi catalogue is complete.

The behaviour tests compile the committed .po files into a temporary LOCALE_PATHS, so they
test what is in git and never a stale or missing .mo. The completeness tests read the .po
files directly and need no gettext tools.
"""

from __future__ import annotations

import ast
import contextlib
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.utils import translation

LOCALE_DIR = Path(settings.BASE_DIR) / "motcua" / "locale"
VI_PO = LOCALE_DIR / "vi" / "LC_MESSAGES" / "django.po"
UPSTREAM_PO = LOCALE_DIR / "vi" / "upstream.po"
UPDATE = "bash motcua/locale/update.sh"


@pytest.fixture(scope="module")
def compiled_locale(tmp_path_factory):
    """The committed catalogues, compiled into a temporary directory that Django then uses."""
    if shutil.which("msgfmt") is None:
        pytest.skip("msgfmt is missing: install gettext (apt-get install gettext)")
    root = tmp_path_factory.mktemp("i18n")
    shutil.copytree(LOCALE_DIR, root / "locale", ignore=shutil.ignore_patterns("*.mo"))
    with override_settings(LOCALE_PATHS=[root / "locale"]), contextlib.chdir(root):
        call_command("compilemessages", locale=["vi", "en"], verbosity=0)
        yield root / "locale"


# -- behaviour ------------------------------------------------------------------------------

@pytest.mark.django_db
def test_api_errors_are_in_vietnamese_without_accept_language(compiled_locale, client):
    response = client.get("/api/v1/dossiers")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["Content-Language"] == "vi"
    body = response.json()
    assert body["title"] == "Chưa xác thực"
    # DRF's own detail, translated by our catalogue (vi/upstream.po).
    assert body["detail"] == "Chưa cung cấp thông tin xác thực."


@pytest.mark.django_db
def test_api_errors_are_in_english_on_request(compiled_locale, client):
    response = client.get("/api/v1/dossiers", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 401
    assert response["Content-Language"] == "en"
    body = response.json()
    assert body["title"] == "Not authenticated"
    assert body["detail"] == "Authentication credentials were not provided."


@pytest.mark.django_db
def test_an_unsupported_language_falls_back_to_vietnamese(compiled_locale, client):
    response = client.get("/api/v1/dossiers", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.json()["title"] == "Chưa xác thực"


def test_dossier_statuses_read_like_the_national_portal(compiled_locale):
    from motcua.dossiers.models import Status

    with translation.override("vi"):
        labels = {s: str(s.label) for s in Status}
    assert labels == {
        Status.INTEROPERATING: "Đang xử lý liên thông",
        Status.SUBMITTED: "Mới đăng ký",
        Status.RECEIVED: "Được tiếp nhận",
        Status.REFUSED: "Không được tiếp nhận",
        Status.PROCESSING: "Đang xử lý",
        Status.SUPPLEMENT: "Yêu cầu bổ sung giấy tờ",
        Status.PAYING: "Yêu cầu thực hiện nghĩa vụ tài chính",
        Status.WITHDRAWN: "Công dân yêu cầu rút hồ sơ",
        Status.STOPPED: "Dừng xử lý",
        Status.RESULT_READY: "Đã xử lý xong",
        Status.RETURNED: "Đã trả kết quả",
    }
    with translation.override("en"):
        assert str(Status.RECEIVED.label) == "Received"
        assert str(Status.SUPPLEMENT.label) == "Supplement requested"


def test_vietnamese_is_the_default_language(compiled_locale):
    from motcua.dossiers.models import Status

    with translation.override(settings.LANGUAGE_CODE):
        assert str(Status.RECEIVED.label) == "Được tiếp nhận"


def test_language_names_are_translated(compiled_locale):
    names = dict(settings.LANGUAGES)
    with translation.override("vi"):
        assert (str(names["vi"]), str(names["en"])) == ("Tiếng Việt", "Tiếng Anh")
    with translation.override("en"):
        assert (str(names["vi"]), str(names["en"])) == ("Vietnamese", "English")


# -- completeness of the committed catalogue ------------------------------------------------

def read_po(path: Path) -> list[dict]:
    """Entries of a .po file: msgid, msgid_plural, msgstr or msgstr[n], flags, obsolete."""
    try:
        import polib
    except ImportError:
        polib = None
    if polib is not None:
        return [
            {"msgid": e.msgid, "msgid_plural": e.msgid_plural, "flags": list(e.flags),
             "obsolete": e.obsolete,
             "msgstr": list(e.msgstr_plural.values()) if e.msgid_plural else [e.msgstr]}
            for e in polib.pofile(str(path))
        ]
    entries: list[dict] = []
    entry: dict | None = None
    key = ""
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = line.strip()
        if not line:
            if entry and "msgid" in entry:
                entries.append(entry)
            entry = None
            continue
        if entry is None:
            entry = {"flags": [], "obsolete": False, "msgid_plural": "", "msgstrs": {}}
        if line.startswith("#~"):
            entry["obsolete"] = True
        elif line.startswith("#,"):
            entry["flags"] += [f.strip() for f in line[2:].split(",")]
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            target = entry["msgstrs"] if key.startswith("msgstr") else entry
            target[key] += ast.literal_eval(line)
        else:
            key, _, value = line.partition(" ")
            target = entry["msgstrs"] if key.startswith("msgstr") else entry
            target[key] = ast.literal_eval(value)
    for e in entries:
        e["msgstr"] = list(e.pop("msgstrs").values())
    return [e for e in entries if e["msgid"] != ""]


def test_every_vietnamese_entry_is_translated_and_not_fuzzy():
    entries = [e for e in read_po(VI_PO) if not e["obsolete"]]
    assert len(entries) > 100, "the vi catalogue looks empty; run " + UPDATE
    untranslated = [e["msgid"] for e in entries if not all(s.strip() for s in e["msgstr"])]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    assert not untranslated and not fuzzy, (
        f"Translate these in {VI_PO.relative_to(settings.BASE_DIR)} (see motcua/locale/README.md)"
        f"\nuntranslated: {untranslated}\nfuzzy: {fuzzy}"
    )


PLACEHOLDER = re.compile(r"%\([a-z_]+\)[-#0 +]*\d*(?:\.\d+)?[sdifr]|%[sdif]|\{[a-z_]*(?::[^}]*)?\}")


def test_translations_keep_every_placeholder():
    wrong = []
    for e in read_po(VI_PO):
        wanted = sorted(PLACEHOLDER.findall(e["msgid"]))
        for msgstr in e["msgstr"]:
            if sorted(PLACEHOLDER.findall(msgstr)) != wanted:
                wrong.append((e["msgid"], msgstr))
    assert not wrong


def test_the_drf_supplement_is_merged_into_the_catalogue():
    merged = {e["msgid"]: e["msgstr"] for e in read_po(VI_PO)}
    missing = [e["msgid"] for e in read_po(UPSTREAM_PO) if merged.get(e["msgid"]) != e["msgstr"]]
    assert not missing, f"plain makemessages dropped them; run {UPDATE}: {missing}"


def test_every_field_shown_in_the_administration_has_a_translatable_label():
    """A field without verbose_name gets an English label made from its name, shown as is in
    the Vietnamese administration pages."""
    from django.contrib import admin
    from django.utils.functional import Promise

    plain = []
    for model in admin.site._registry:
        if not model.__module__.startswith("motcua."):
            continue
        if not isinstance(model._meta.verbose_name, Promise):
            plain.append(f"{model._meta.label} (the model)")
        for f in model._meta.get_fields():
            if f.auto_created or not getattr(f, "editable", False) or f.primary_key:
                continue
            if not isinstance(f.verbose_name, Promise):
                plain.append(f"{model._meta.label}.{f.name}")
    assert plain == [], f"give these a verbose_name with gettext_lazy: {plain}"
