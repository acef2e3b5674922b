"""The shipped process files (motcua/processing/data/processes): one per catalogued procedure,
valid, within the statutory duration, in Vietnamese, with at least three inter-agency processes.

Plain pytest, no database: the files and the catalogue are read from disk.
"""

import unicodedata
from functools import cache
from pathlib import Path

import pytest
import yaml

from motcua.processing import definition

PACKAGE = Path(__file__).resolve().parents[1]
PROCESSES = PACKAGE / "data" / "processes"
CATALOGUE = PACKAGE.parent / "catalog" / "data" / "procedures.yaml"
UNKNOWN = "?"
OWN_AGENCIES = ("receiving", "competent")
MOVES = ("forward", "handover", "sign", "approve")  # the order in which the normal path is taken
END_OF_DAY_HOURS = 17.0  # default end of the working day (DOMAIN.md section 4)


@cache
def catalogue() -> dict[str, dict]:
    records = yaml.safe_load(CATALOGUE.read_text(encoding="utf-8"))
    return {str(r["code"]): r for r in records if str(r["code"]) != UNKNOWN}


@cache
def raw(code: str) -> dict:
    return yaml.safe_load((PROCESSES / f"{code}.yaml").read_text(encoding="utf-8"))


def budget(code: str) -> float | None:
    record = catalogue()[code]
    value, unit = record.get("duration_value"), record.get("duration_unit")
    if value in (None, UNKNOWN) or unit in (None, "", UNKNOWN):
        return None
    return definition.budget_hours(value, unit, 8)


@cache
def process(code: str) -> definition.ProcessDef:
    return definition.parse(raw(code), budget_hours=budget(code))


def normal_path(proc: definition.ProcessDef) -> list[definition.StepDef]:
    """The steps a dossier with no special data goes through (default branches)."""
    path, step = [], proc.start
    while step is not None:
        path.append(step)
        action = next((a for a in MOVES if a in step.actions), None)
        target = step.next_step(action, {}) if action else None
        step = proc.step(target) if target else None
    return path


def is_vietnamese(text: str) -> bool:
    return any(c in "đĐ" or unicodedata.normalize("NFD", c) != c for c in text)


def edges(proc: definition.ProcessDef, actions):
    for step in proc.steps:
        for action in actions:
            for branch in step.targets(action):
                if branch.to:
                    yield step, action, proc.step(branch.to)


CODES = sorted(catalogue())


def test_a_file_for_every_catalogued_procedure_and_no_other():
    files = {p.stem for p in PROCESSES.glob("*.yaml")}
    assert files == set(CODES)
    assert len(CODES) == 36  # 37 records, one without a national code


@pytest.mark.parametrize("code", CODES)
def test_the_file_parses_within_the_statutory_duration(code):
    proc = process(code)  # DefinitionError if invalid or over the budget
    assert proc.procedure == code
    assert proc.name == f"Quy trình nội bộ: {catalogue()[code]['name_vi']}"
    if budget(code) is not None:
        assert proc.total_hours <= budget(code)


@pytest.mark.parametrize("code", CODES)
def test_the_names_are_vietnamese(code):
    proc = process(code)
    assert is_vietnamese(proc.name)
    for step in proc.steps:
        assert is_vietnamese(step.name), step.key


@pytest.mark.parametrize("code", CODES)
def test_the_dossier_starts_and_ends_at_the_one_stop_counter(code):
    proc = process(code)
    assert (proc.start.role, proc.start.agency) == ("one_stop_officer", "receiving")
    returns = [s for s in proc.steps if "finish" in s.actions]
    assert returns
    assert all((s.role, s.agency) == ("one_stop_officer", "receiving") for s in returns)


@pytest.mark.parametrize("code", CODES)
def test_moves_to_or_from_a_third_agency_are_handovers(code):
    proc = process(code)
    for source, action, target in edges(proc, ("forward", "return")):
        third = {source.agency, target.agency} - set(OWN_AGENCIES)
        assert not third or source.agency == target.agency, (source.key, action, target.key)
    for source, _, target in edges(proc, ("handover",)):
        # a handover crosses agencies: two different sector agencies (police → social
        # insurance) share the selector "sector"
        crosses = source.agency != target.agency or target.agency not in OWN_AGENCIES
        assert crosses, (source.key, target.key)


@pytest.mark.parametrize("code", CODES)
def test_the_header_cites_sources_and_flags_unchecked_budgets(code):
    text = (PROCESSES / f"{code}.yaml").read_text(encoding="utf-8")
    header = text.split("\nprocedure:", 1)[0]
    assert "Sources:" in header
    if budget(code) is None:
        assert "UNCONFIRMED" in header and "could not be checked" in header


def test_at_least_three_inter_agency_processes():
    inter_agency = {
        code for code in CODES
        if any(t.agency not in OWN_AGENCIES for _, _, t in edges(process(code), ("handover",)))
    }
    assert len(inter_agency) >= 3
    assert {"2.000986", "2.001023", "1.013831", "1.013978", "1.001612"} <= inter_agency


def test_birth_residence_and_card_pass_through_police_then_social_insurance():
    names = [s.name for s in normal_path(process("2.000986"))]
    police = next(i for i, n in enumerate(names) if "Công an" in n and "thẩm định" in n)
    card = next(i for i, n in enumerate(names) if "Bảo hiểm xã hội" in n and "cấp thẻ" in n)
    assert 0 < police < card < len(names) - 1


@pytest.mark.parametrize("code", sorted(
    c for c, r in catalogue().items()
    if r.get("cutoff") not in (None, UNKNOWN) and budget(c) is not None and budget(c) <= 8
))
def test_same_day_procedures_fit_after_the_cut_off(code):
    hh, mm = str(catalogue()[code]["cutoff"]).split(":")
    left = END_OF_DAY_HOURS - (int(hh) + int(mm) / 60)
    assert sum(s.hours for s in normal_path(process(code))) <= left


@pytest.mark.parametrize("code,check", [
    ("1.000894", "tham_dinh"), ("1.004873", "tham_dinh"), ("3.000333", "tra_cuu"),
])
def test_verification_branches_where_the_law_branches(code, check):
    step = process(code).step(check)
    assert step.next_step("forward", {"form_data": {"can_xac_minh": True}}) == "xac_minh"
    assert step.next_step("forward", {"form_data": {}}) != "xac_minh"
