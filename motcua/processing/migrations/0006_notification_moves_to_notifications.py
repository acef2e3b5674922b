"""The in-app Notification model moves to the notifications app. Here only Django's idea of the
models changes: the table stays, and notifications' first migration takes it over (and renames
it), so that no row is copied and an already-migrated database keeps its notices."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('processing', '0005_labels'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='Notification')],
            database_operations=[],
        ),
    ]
