"""The audit trail: who changed whose record, when, and what it was before and after."""

from django.db import models

from academy.models import AuditEvent, User


def record(
    *,
    actor: User | None,
    action: str,
    obj: models.Model,
    subject: User | None,
    summary: str,
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEvent:
    return AuditEvent.objects.create(
        actor=actor,
        action=action,
        object_type=obj._meta.model_name,
        object_id=str(obj.pk),
        subject=subject,
        summary=summary[:300],
        before=before or {},
        after=after or {},
    )
