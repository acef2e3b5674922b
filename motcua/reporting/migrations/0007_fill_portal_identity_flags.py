"""Fill the flags 0006 added from what integration already holds (the dossiers' identities
and portal syncs), and their counts in the monthly rollups, so that 1.4 and 4.5b are right
without a `rebuild_index`. On a fresh database there is nothing to fill."""

from django.db import migrations
from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import TruncMonth

TZ = "Asia/Ho_Chi_Minh"


def fill(apps, schema_editor):
    import zoneinfo

    tz = zoneinfo.ZoneInfo(TZ)
    fact = apps.get_model("reporting", "DossierFact")
    identity = apps.get_model("integration", "DossierIdentity")
    sync = apps.get_model("integration", "PortalSync")
    flow = apps.get_model("reporting", "FlowRollup")
    agency_month = apps.get_model("reporting", "AgencyMonth")
    fact.objects.filter(Exists(identity.objects.filter(
        Q(population_data_used=True) | Q(vneid_verified=True), dossier_id=OuterRef("pk")))
    ).update(identified=True)
    fact.objects.filter(Exists(sync.objects.filter(dossier_id=OuterRef("pk")))) \
        .update(synced=True)
    for model, keys in ((flow, ("agency_id", "sector_id", "procedure_id")),
                        (agency_month, ("agency_id",))):
        rows = fact.objects.filter(Q(identified=True) | Q(synced=True)) \
            .annotate(m=TruncMonth("received_at", tzinfo=tz)).values(*keys, "m") \
            .annotate(identified=Count("pk", filter=Q(identified=True)),
                      synced=Count("pk", filter=Q(synced=True))).order_by()
        for row in rows:
            month = row["m"].astimezone(tz).date().replace(day=1) \
                if hasattr(row["m"], "astimezone") else row["m"].replace(day=1)
            model.objects.filter(month=month, **{k: row[k] for k in keys}).update(
                identified=row["identified"], synced=row["synced"])


class Migration(migrations.Migration):

    dependencies = [
        ("reporting", "0006_portal_identity_flags"),
        ("integration", "0004_payments"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop, elidable=True)]
