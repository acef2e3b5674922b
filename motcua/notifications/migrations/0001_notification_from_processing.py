"""The in-app Notification model, which was processing's: take over its table (no row is copied;
processing 0006 dropped the model from its own state) and give the table this app's name."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('dossiers', '0001_initial'),
        ('processing', '0006_notification_moves_to_notifications'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Notification',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(max_length=30, verbose_name='kind')),
                        ('text', models.TextField(verbose_name='text')),
                        ('created_at', models.DateTimeField(verbose_name='created at')),
                        ('read_at', models.DateTimeField(blank=True, null=True, verbose_name='read at')),
                        ('dossier', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='dossiers.dossier', verbose_name='dossier')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notifications', to=settings.AUTH_USER_MODEL, verbose_name='user')),
                    ],
                    options={
                        'verbose_name': 'in-app notification',
                        'verbose_name_plural': 'in-app notifications',
                        'ordering': ['-created_at', '-id'],
                        'indexes': [models.Index(fields=['user', '-created_at'], name='notification_user_created'), models.Index(condition=models.Q(('read_at__isnull', True)), fields=['user'], name='notification_unread')],
                        'db_table': 'processing_notification',
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name='notification', table=None),
    ]
