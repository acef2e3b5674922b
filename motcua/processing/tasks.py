"""Background work of the processing domain, run by the django-tasks worker (`db_worker`)."""

from __future__ import annotations

from django_tasks import task

from motcua.processing.escalation import run_pass


@task()
def escalate() -> dict[str, int]:
    """One escalation pass; idempotent (each warning is sent once, whoever runs the pass)."""
    return run_pass()
