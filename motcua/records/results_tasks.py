"""Background work of the signed results, run by the django-tasks worker (`db_worker`)."""

from __future__ import annotations

from django_tasks import task

from motcua.records import results, signing


@task()
def sign_result_task(result_id: int) -> str:
    """Sign one issued result; idempotent (a signed result stays as it is). A failure is kept
    on the result (FAILED, with its reason) for the leader to sign again."""
    try:
        return str(results.sign_result(result_id).state)
    except signing.SigningFailed as error:
        return f"failed: {error}"
