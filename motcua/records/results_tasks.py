"""Background work of signing, run by the django-tasks worker (`db_worker`): the results, and
the copies digitized at the counter."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.utils import timezone
from django_tasks import task

from motcua.records import copy_signing, results, signing

# A time-stamping service that does not answer (it starts with the worker in `make run`, or is
# briefly down) is tried again after RETRY_SECONDS × the attempt, RETRIES times.
RETRIES = 5
RETRY_SECONDS = 10


def _sign_retrying(sign: Callable[[int], Any], again: Any, pk: int, attempt: int) -> str:
    """`sign(pk)`; a time stamp that could not be had is tried again later (`again`: the task
    enqueued anew), any other failure is kept on its row by `sign` and reported."""
    try:
        return str(getattr(sign(pk), "state", "signed"))
    except signing.TimeStampUnavailable as error:
        if attempt < RETRIES:
            later = timezone.now() + dt.timedelta(seconds=RETRY_SECONDS * attempt)
            again.using(run_after=later).enqueue(pk, attempt + 1)
            return f"retrying: {error}"
        return f"failed: {error}"
    except signing.SigningFailed as error:
        return f"failed: {error}"


@task()
def sign_result_task(result_id: int, attempt: int = 1) -> str:
    """Sign one issued result; idempotent (a signed result stays as it is). A failure is kept
    on the result (FAILED, with its reason) for the leader to sign again from the dossier
    page; a time stamp that could not be had is tried again first."""
    return _sign_retrying(results.sign_result, sign_result_task, result_id, attempt)


@task()
def sign_copy_task(copy_id: int, attempt: int = 1) -> str:
    """The one-stop unit signs one digitized copy (records.copy_signing); idempotent. A
    failure is kept on the copy (`sign_error`); a time stamp that could not be had is tried
    again first."""
    return _sign_retrying(copy_signing.sign_copy, sign_copy_task, copy_id, attempt)
