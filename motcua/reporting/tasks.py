"""Background work of the reporting domain, run by the django-tasks worker (`db_worker`)."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from motcua.reporting import jobs  # jobs enqueues this task: the module, read at call time


@task()
def write_export(export_id: str) -> dict[str, Any]:
    """Write a large statistics export into the file storage; idempotent."""
    return jobs.run_export(export_id)
