"""Publishing processes: validation refusals, versions, idempotence, the load_processes command."""

import datetime as dt
import json

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

from motcua.core.models import AuditEvent
from motcua.processing.models import Process
from motcua.processing.publishing import InvalidProcess, publish_process
from motcua.processing.tests.conftest import definition

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """These tests read the English wording of messages (the UI default is Vietnamese)."""
    from django.utils import translation

    with translation.override("en"):
        yield
DAY = dt.date(2025, 7, 1)


@pytest.fixture(autouse=True)
def tax(db, org):
    from motcua.processing.tests.conftest import TAX_CODE
    from motcua.tests.builders import agency

    return agency(TAX_CODE, "Chi cục Thuế khu vực Ninh Bình", "sector", org.province)


def test_publish_creates_a_version_with_an_audit_row(org, procedure):
    process = publish_process(procedure, definition(), effective_from=DAY, actor=org.officer_a)
    assert (process.number, process.effective_from, process.effective_to) == (1, DAY, None)
    assert process.source == "yaml" and process.name == definition()["name"]
    assert process.definition == definition()
    assert process.parsed.start.key == "check"
    audit = AuditEvent.objects.get(action="process.published")
    assert audit.actor == org.officer_a and audit.data["number"] == 1


def test_publishing_the_same_definition_again_changes_nothing(org, procedure):
    first = publish_process(procedure, definition(), effective_from=DAY)
    again = publish_process(procedure, {**definition(), "effective_from": "2026-01-01"})
    assert again == first and Process.objects.count() == 1
    assert AuditEvent.objects.filter(action="process.published").count() == 1


def test_a_changed_definition_becomes_a_new_version_closing_the_previous(org, procedure):
    first = publish_process(procedure, definition(), effective_from=DAY)
    changed = definition(name="Quy trình mới")
    second = publish_process(procedure, changed, effective_from=dt.date(2026, 1, 1),
                             source="admin")
    first.refresh_from_db()
    assert second.number == 2 and first.effective_to == dt.date(2026, 1, 1)
    assert list(Process.objects.in_force_on(dt.date(2025, 12, 31))) == [first]
    assert list(Process.objects.in_force_on(dt.date(2026, 1, 1))) == [second]


def test_a_new_version_cannot_take_effect_before_the_current_one(org, procedure):
    publish_process(procedure, definition(), effective_from=dt.date(2026, 1, 1))
    with pytest.raises(InvalidProcess) as refused:
        publish_process(procedure, definition(name="Khác"), effective_from=DAY)
    assert "cannot take effect before" in refused.value.detail


def test_every_problem_is_listed_and_nothing_is_written(org, procedure):
    raw = definition()
    raw["steps"][0]["role"] = "janitor"
    raw["steps"][1]["agency"] = "code:999.99.99.X99"
    raw["steps"][2]["actions"]["return"] = "nowhere"
    with pytest.raises(InvalidProcess) as refused:
        publish_process(procedure, raw, effective_from=DAY)
    problems = refused.value.problems
    assert any("unknown role 'janitor'" in p for p in problems)
    assert any("no agency has the code 999.99.99.X99" in p for p in problems)
    assert any("unknown step 'nowhere'" in p for p in problems)
    assert refused.value.status_code == 400 and refused.value.code == "invalid_process"
    assert not Process.objects.exists() and not AuditEvent.objects.exists()


def test_allotments_beyond_the_statutory_duration_are_refused_with_the_reason(org, procedure):
    raw = definition()
    raw["steps"][0]["hours"] = 16  # 16 + 4 + 4 + 4 = 28 > 3 working days
    with pytest.raises(InvalidProcess) as refused:
        publish_process(procedure, raw, effective_from=DAY)
    assert refused.value.problems == [
        "the steps' allotments on the longest path (28 working hours) exceed the statutory "
        "duration (24 working hours)"
    ]


def test_a_definition_for_another_procedure_or_date_is_refused(org, procedure):
    with pytest.raises(InvalidProcess) as other:
        publish_process(procedure, definition(procedure="1.000000"), effective_from=DAY)
    assert "not 1.004873" in other.value.detail
    with pytest.raises(InvalidProcess) as early:
        publish_process(procedure, definition(), effective_from=dt.date(2020, 1, 1))
    assert "no version in force on 2020-01-01" in early.value.detail
    with pytest.raises(InvalidProcess):
        publish_process(procedure, ["not", "a", "mapping"], effective_from=DAY)  # type: ignore


# --- load_processes -----------------------------------------------------------------------


def write(path, raw):
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_the_command_loads_files_skips_unknown_procedures_and_is_idempotent(
        org, procedure, tmp_path, capsys):
    write(tmp_path / "1.004873.yaml", {**definition(), "effective_from": dt.date(2025, 7, 1)})
    write(tmp_path / "9.999999.yaml", definition(procedure="9.999999"))
    (tmp_path / "README.txt").write_text("not a process")
    call_command("load_processes", "--dir", str(tmp_path))
    out = capsys.readouterr()
    assert "1 new version(s), 0 unchanged, 1 skipped" in out.out
    assert "9.999999 is not in the catalogue" in out.err
    process = Process.objects.get()
    assert process.effective_from == dt.date(2025, 7, 1)
    assert "effective_from" not in process.definition
    call_command("load_processes", "--dir", str(tmp_path))
    assert "0 new version(s), 1 unchanged" in capsys.readouterr().out
    assert Process.objects.count() == 1


def test_the_command_reads_json_and_takes_a_default_date(org, procedure, tmp_path, capsys):
    (tmp_path / "p.json").write_text(json.dumps(definition(), ensure_ascii=False))
    call_command("load_processes", "--dir", str(tmp_path), "--effective-from", "2026-02-01")
    assert Process.objects.get().effective_from == dt.date(2026, 2, 1)


def test_one_invalid_file_and_nothing_is_loaded(org, procedure, tmp_path):
    from motcua.tests.builders import build_procedure

    build_procedure(code="1.000002", name="Thủ tục thứ hai")
    write(tmp_path / "a.yaml", definition(procedure="1.000002"))
    broken = definition()
    broken["steps"][0]["hours"] = -1
    write(tmp_path / "b.yaml", broken)
    (tmp_path / "c.yaml").write_text("steps: [unclosed")
    with pytest.raises(CommandError) as refused:
        call_command("load_processes", "--dir", str(tmp_path))
    message = str(refused.value)
    assert "b.yaml" in message and "hours must be a positive number" in message
    assert "c.yaml: cannot be read" in message
    assert not Process.objects.exists()


def test_a_missing_directory_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError) as refused:
        call_command("load_processes", "--dir", str(tmp_path / "nope"))
    assert "is not a directory" in str(refused.value)
