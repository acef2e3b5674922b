"""Fill the flags 0008 added from what the dossiers and records already hold (results, signed
results, digitization, national data store links), and their counts in the monthly rollups,
as `facts.contributions` counts them, so that 3.3 and 4.1–4.4 are right without a
`rebuild_index`. On a fresh database there is nothing to fill."""

from django.db import migrations
from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import TruncMonth

TZ = "Asia/Ho_Chi_Minh"
ONLINE = 2


def _month(value, tz):
    return value.astimezone(tz).date().replace(day=1) if hasattr(value, "astimezone") \
        else value.replace(day=1)


def fill(apps, schema_editor):
    import zoneinfo

    tz = zoneinfo.ZoneInfo(TZ)
    fact = apps.get_model("reporting", "DossierFact")
    dossier = apps.get_model("dossiers", "Dossier")
    result = apps.get_model("records", "ResultDocument")
    digitization = apps.get_model("records", "DossierDigitization")
    link = apps.get_model("records", "DataStoreLink")
    flow = apps.get_model("reporting", "FlowRollup")
    agency_month = apps.get_model("reporting", "AgencyMonth")
    fact.objects.filter(Exists(dossier.objects.filter(pk=OuterRef("pk"), outcome="result")),
                        ended_at__isnull=False).update(with_result=True)
    fact.objects.filter(Exists(dossier.objects.filter(pk=OuterRef("pk")).exclude(
        procedure_version__results=""))).update(written_result=True)
    fact.objects.filter(Exists(result.objects.filter(dossier_id=OuterRef("pk"),
                                                     state="signed"))).update(e_result=True)
    fact.objects.filter(Exists(digitization.objects.filter(
        dossier_id=OuterRef("pk"), complete_at__isnull=False))).update(digitized=True)
    fact.objects.filter(Exists(link.objects.filter(dossier_id=OuterRef("pk")))) \
        .update(stored=True)
    due = Q(with_result=True, written_result=True)
    for model, keys in ((flow, ("agency_id", "sector_id", "procedure_id")),
                        (agency_month, ("agency_id",))):
        received = fact.objects.filter(Q(stored=True) | Q(due, e_result=False, channel=ONLINE)) \
            .annotate(m=TruncMonth("received_at", tzinfo=tz)).values(*keys, "m") \
            .annotate(stored=Count("pk", filter=Q(stored=True)),
                      online_paper_only=Count("pk", filter=Q(due, e_result=False,
                                                             channel=ONLINE))).order_by()
        for row in received:
            model.objects.filter(month=_month(row["m"], tz), **{k: row[k] for k in keys}) \
                .update(stored=row["stored"], online_paper_only=row["online_paper_only"])
        ended = fact.objects.filter(due, ended_at__isnull=False) \
            .annotate(m=TruncMonth("ended_at", tzinfo=tz)).values(*keys, "m") \
            .annotate(results_due=Count("pk"),
                      results_signed=Count("pk", filter=Q(e_result=True)),
                      results_digitized=Count("pk", filter=Q(digitized=True))).order_by()
        for row in ended:
            model.objects.filter(month=_month(row["m"], tz), **{k: row[k] for k in keys}) \
                .update(results_due=row["results_due"], results_signed=row["results_signed"],
                        results_digitized=row["results_digitized"])


class Migration(migrations.Migration):

    dependencies = [
        ("reporting", "0008_digitization_counters"),
        ("records", "0004_copies_certified_national"),
        ("dossiers", "0015_applicant_name_folded"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop, elidable=True)]
