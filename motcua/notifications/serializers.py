"""The in-app notifications as JSON (DRF classes are not subscriptable at run time: hence the
ignores for mypy's missing type arguments)."""

from __future__ import annotations

from rest_framework import serializers

from motcua.notifications.models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    dossier_code = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "text", "dossier_code", "created_at", "read_at"]

    def get_dossier_code(self, n: Notification) -> str | None:
        return n.dossier.code if n.dossier_id and n.dossier else None


class ReadAllSerializer(serializers.Serializer):
    marked = serializers.IntegerField()
