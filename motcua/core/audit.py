from typing import Any

from django.db.models import Model

from motcua.core.models import AuditEvent


def record(actor: Any, action: str, obj: Model, **data: Any) -> AuditEvent:
    """Write one audit row; call it inside the transaction of the change it describes."""
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        data=data,
    )
