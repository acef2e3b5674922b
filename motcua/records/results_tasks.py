"""Background work of the signed results, run by the django-tasks worker (`db_worker`)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks import task

from motcua.records import results, signing

# A time-stamping service that does not answer (it starts with the worker in `make run`, or is
# briefly down) is tried again after RETRY_SECONDS × the attempt, RETRIES times.
RETRIES = 5
RETRY_SECONDS = 10


@task()
def sign_result_task(result_id: int, attempt: int = 1) -> str:
    """Sign one issued result; idempotent (a signed result stays as it is). A failure is kept
    on the result (FAILED, with its reason) for the leader to sign again from the dossier
    page; a time stamp that could not be had is tried again first."""
    try:
        return str(results.sign_result(result_id).state)
    except signing.TimeStampUnavailable as error:
        if attempt < RETRIES:
            later = timezone.now() + dt.timedelta(seconds=RETRY_SECONDS * attempt)
            sign_result_task.using(run_after=later).enqueue(result_id, attempt + 1)
            return f"retrying: {error}"
        return f"failed: {error}"
    except signing.SigningFailed as error:
        return f"failed: {error}"
