"""A mail backend for bench/crash.py: appends the delivery id of every message it is handed to
the file named by CRASH_MAIL_LOG, one line each, with fsync before returning (so that a message
counts as sent exactly when the worker could have marked it sent), and sends nothing."""

from __future__ import annotations

import os
from collections.abc import Sequence

from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import EmailMessage


class EmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        path = os.environ["CRASH_MAIL_LOG"]
        lines = "".join(f"{m.extra_headers.get('X-Motcua-Delivery', '?')}\n"
                        for m in email_messages)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, lines.encode())
            os.fsync(fd)
        finally:
            os.close(fd)
        return len(email_messages)
