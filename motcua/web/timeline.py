"""A dossier's timeline as the pages show it (web/includes/timeline.html): one `Line` an event,
the newest first. The portal writes its lines in plain words for the applicant
(portal.timeline); the workspace names the action and the status it led to, and who did it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Line:
    at: dt.datetime
    text: str
    reason: str = ""  # the reason given with the action, as typed (Vietnamese)
    actor: str = ""  # who did it, for the staff; empty on the applicant's page
