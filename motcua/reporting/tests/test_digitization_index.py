"""Index 3.3, 4.1, 4.2 and 4.4 worked by hand, through the real records actions: paper copies
digitized and signed by the one-stop unit and results signed by the commune (PAdES, the
sandbox's time stamps), a signed result taken by the national data store (the outbox worker,
over real HTTP to the sandbox).

Commune A, November 2026, a procedure whose result is a written document (16/11 a Monday):
- P at the counter on paper: its paper components digitized and signed, its result signed and
  taken by the national data store → a signed electronic result, digitized, stored;
- Q online: its result ready, not signed yet → given a written result without its electronic
  one (3.3 does not count it);
- R at the counter on paper: its result signed and taken by the national data store, its paper
  not digitized → an electronic result, stored, not digitized;
- S at the counter: refused on the merits → no result, in neither 4.1's nor 4.2's denominator.
"""

from __future__ import annotations

import importlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from motcua.dossiers import actions
from motcua.dossiers.tests.factories import at, online, received
from motcua.integration import outbox
from motcua.records import certified, copy_signing, digitization, results
from motcua.records.models import CertificationService
from motcua.records.tests.conftest import (  # noqa: F401 - the fixtures
    agency_cert,
    birth_requirement,
    center_cert,
    counter_dossier,
    dev_ca,
    leader,
    tags,
    upload,
)
from motcua.reporting import reference, selectors
from motcua.reporting.actions import rebuild
from motcua.reporting.indicators import FIXED, NO_SCORE, SCORED
from motcua.reporting.models import AgencyMonth, DossierFact, FlowRollup
from motcua.reporting.periods import MONTH, Period
from motcua.tests.builders import pdf_bytes

pytestmark = pytest.mark.django_db
NOVEMBER = Period(MONTH, 2026, 11)
LATER = at("09:00 02/12/2026")
RESULT = "Giấy xác nhận tình trạng hôn nhân"


def _finish(org, d, leader, day: str):  # noqa: F811 - the fixture
    d = actions.perform(d, "start_processing", org.specialist_a, now=at(f"10:00 {day}"))
    return actions.perform(d, "mark_result_ready", leader, now=at(f"15:00 {day}"))


@pytest.fixture
def november(org, procedure, birth_requirement, leader, agency_cert, center_cert,  # noqa: F811
             sandbox, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 40
    version = procedure.versions.get()
    version.results = RESULT
    version.save()
    p = counter_dossier(org, procedure, birth_requirement, now=at("09:00 16/11/2026"))
    for component in p.components.filter(is_paper=True):
        copy = digitization.digitize(p, component.pk, upload(),
                                     tags(org.citizen.national_id, document_type="other"),
                                     actor=org.officer_a, now=at("09:30 16/11/2026"))
        copy_signing.sign_copy(copy)
    p = _finish(org, p, leader, "17/11/2026")
    results.sign_result(p.signed_results.get(), actor=leader)
    q = online(org, procedure, at("09:00 16/11/2026"))
    q = actions.perform(q, "accept", org.officer_a, now=at("10:00 16/11/2026"))
    q = _finish(org, q, leader, "18/11/2026")
    r = counter_dossier(org, procedure, birth_requirement, now=at("11:00 16/11/2026"))
    r = _finish(org, r, leader, "18/11/2026")
    results.sign_result(r.signed_results.get(), actor=leader)
    s = received(org, procedure, at("09:00 16/11/2026"))
    s = actions.perform(s, "start_processing", org.specialist_a, now=at("10:00 16/11/2026"))
    s = actions.perform(s, "refuse_on_merits", leader, now=at("11:00 19/11/2026"),
                        reason="Không đủ điều kiện")
    # the worker delivers P's and R's signed results to the national data store
    assert outbox.run_pass(timezone.now())["delivered"] >= 2
    return {"P": p, "Q": q, "R": r, "S": s}


def scores_of(root: str):
    result = selectors.index(selectors.resolve_scope(root), NOVEMBER, now=LATER)
    return result, {s.indicator.code: s for s in result.scores}


def test_the_digitization_group_by_hand(org, november):
    result, s = scores_of(org.commune_a.code)
    c = result.counters.dossiers
    assert (c.received, c.received_online) == (4, 1)
    # 4.1: P and R signed of the 3 finished with a written result: 6 × 2/3 = 4
    assert (s["4.1"].numerator, s["4.1"].denominator, s["4.1"].score) == (2, 3, 4)
    # 4.2: P digitized, components and result, of 3: 4 × 1/3
    assert (s["4.2"].numerator, s["4.2"].denominator) == (1, 3)
    assert s["4.2"].score == pytest.approx(4 / 3)
    # 4.4: P and R (their results taken by the national store) of 4 received: 4 × 0.5 = 2
    assert (s["4.4"].numerator, s["4.4"].denominator, s["4.4"].score) == (2, 4, 2)
    # 3.3: Q, the one online dossier, was given its result on paper only: it does not count
    assert (c.online_paper_only, result.counters.online_counted) == (1, 0)
    assert {s[code].status for code in ("4.1", "4.2", "4.4")} == {SCORED}


def test_a_result_signed_later_moves_the_index_at_once(org, november, leader):  # noqa: F811
    q = november["Q"]
    results.sign_result(q.signed_results.get(), actor=leader)
    result, s = scores_of(org.commune_a.code)
    assert (s["4.1"].numerator, s["4.1"].denominator, s["4.1"].score) == (3, 3, 6)
    # Q's dossier had no paper components: its signed result makes it digitized too
    assert (s["4.2"].numerator, s["4.2"].denominator) == (2, 3)
    assert (result.counters.dossiers.online_paper_only, result.counters.online_counted) == (0, 1)
    assert DossierFact.objects.get(pk=q.pk).e_result


def test_a_refused_dossier_and_an_agency_without_results_have_nothing_to_judge(org, november):
    assert not DossierFact.objects.get(pk=november["S"].pk).with_result
    _result, s = scores_of(org.department.code)
    assert (s["4.1"].status, s["4.2"].status) == (NO_SCORE, NO_SCORE)


def test_the_rollups_equal_the_recomputation_and_survive_a_rebuild(org, november):
    scopes = [selectors.resolve_scope(), selectors.resolve_scope(org.commune_a.code)]
    before = [selectors.index(scope, NOVEMBER, now=LATER).counters for scope in scopes]
    for scope in scopes:
        read = selectors.read_rollups(NOVEMBER, LATER, agency_ids=scope.agency_ids)
        assert selectors.total(read.counts.values()) == \
            reference.dossier_counts(scope, NOVEMBER, LATER)
    facts = {f.pk: (f.with_result, f.written_result, f.e_result, f.digitized, f.stored)
             for f in DossierFact.objects.all()}
    rebuild()
    assert {f.pk: (f.with_result, f.written_result, f.e_result, f.digitized, f.stored)
            for f in DossierFact.objects.all()} == facts
    assert [selectors.index(scope, NOVEMBER, now=LATER).counters for scope in scopes] == before


def test_4_6_counts_the_communes_that_certified_a_copy_unless_given_full_marks(
        org, agency_cert, sandbox, settings):  # noqa: F811 - the fixture
    """Commune A certifies an electronic copy on 17/11: with the portal's full marks off,
    commune A 1 of 1 → 2, commune B 0 of 1 → 0, the province 1 of its 2 communes → 1, a
    department (no commune) nothing to judge; December: none."""
    CertificationService.objects.create(unit=org.commune_a, offered=True)
    original = certified.Original(title="Bằng tốt nghiệp", tags=tags(
        org.citizen.national_id, document_type="diploma", number="B1234567",
        issuer="Sở Giáo dục và Đào tạo tỉnh Ninh Bình", issued_on=None))
    certified.certify(SimpleUploadedFile("bang.pdf", pdf_bytes(1)), original,
                      actor=org.officer_a, now=at("10:00 17/11/2026"))
    assert scores_of(org.commune_a.code)[1]["4.6"].status == FIXED  # the default
    settings.INDEX_CERTIFIED_COPIES_FULL = False
    expected = {org.commune_a.code: (1, 1, 2), org.commune_b.code: (0, 1, 0),
                org.province.code: (1, 2, 1)}
    for root, numbers in expected.items():
        s = scores_of(root)[1]["4.6"]
        assert (s.numerator, s.denominator, s.score) == numbers, root
    assert scores_of(org.department.code)[1]["4.6"].status == NO_SCORE
    december = selectors.index(selectors.resolve_scope(org.commune_a.code),
                               Period(MONTH, 2026, 12), now=at("09:00 20/12/2026"))
    assert {s.indicator.code: s for s in december.scores}["4.6"].score == 0
    ranked = selectors.ranking("commune", NOVEMBER, now=LATER)
    assert {r.index.scope.code: {s.indicator.code: s for s in r.index.scores}["4.6"].score
            for r in ranked} == {org.commune_a.code: 2, org.commune_b.code: 0}


def test_the_migration_fills_the_flags_and_counters_of_existing_facts(org, november):
    """What migration 0009 computes for facts written before the flags existed equals what
    the events keep: flags and counters wiped, filled again, compared."""
    from django.apps import apps

    fill = importlib.import_module(
        "motcua.reporting.migrations.0009_fill_digitization_counters").fill
    flags = ("with_result", "written_result", "e_result", "digitized", "stored")
    counters = ("stored", "online_paper_only", "results_due", "results_signed",
                "results_digitized")

    def snapshot():
        return (sorted(DossierFact.objects.values_list("pk", *flags)),
                sorted(FlowRollup.objects.values_list("pk", *counters)),
                sorted(AgencyMonth.objects.values_list("pk", *counters)))

    kept = snapshot()
    assert any(row[3] for row in kept[0]) and any(row[3] for row in kept[1])
    DossierFact.objects.update(**dict.fromkeys(flags, False))
    for model in (FlowRollup, AgencyMonth):
        model.objects.update(**dict.fromkeys(counters, 0))
    fill(apps, None)
    assert snapshot() == kept
