"""Dossiers received before the duration was recorded get the one their clock used: the
procedure version's (its online value for an online dossier)."""

from django.db import migrations

ONLINE = 2  # Channel.ONLINE


def backfill(apps, schema_editor):
    Dossier = apps.get_model("dossiers", "Dossier")
    ProcedureVersion = apps.get_model("catalog", "ProcedureVersion")
    versions = ProcedureVersion.objects.exclude(duration_value=None).exclude(duration_unit="")
    for v in versions.iterator():
        todo = Dossier.objects.filter(procedure_version_id=v.pk, received_at__isnull=False,
                                      duration_unit="")
        todo.exclude(channel=ONLINE).update(duration_value=v.duration_value,
                                            duration_unit=v.duration_unit)
        todo.filter(channel=ONLINE).update(
            duration_value=v.online_duration_value or v.duration_value,
            duration_unit=v.duration_unit)


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0004_duration_applied"),
        ("catalog", "0005_duration_cases_pause_on_payment_default"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
