"""Template helpers of the online submission's pages."""

from __future__ import annotations

from dataclasses import dataclass

from django import template
from django.template.defaultfilters import filesizeformat

from motcua.portal.models import SubmissionDraft
from motcua.portal.submission import STEP_TITLES, Plan, step_url

register = template.Library()


@dataclass(frozen=True)
class StepItem:
    name: str
    title: str
    url: str
    reached: bool


@register.filter
def step_items(plan: Plan, draft: SubmissionDraft) -> list[StepItem]:
    """The steps of a draft's procedure; those up to the furthest reached are links."""
    steps = plan.steps
    furthest = steps.index(draft.step) if draft.step in steps else 0
    return [StepItem(name, str(STEP_TITLES[name]), step_url(draft, name), i <= furthest)
            for i, name in enumerate(steps)]


@register.filter
def file_size(value: int) -> str:
    """"1,2 MB", without the non-breaking spaces' line-breaking surprises."""
    return str(filesizeformat(value))


@register.filter
def step_link(draft: SubmissionDraft, step: str) -> str:
    return step_url(draft, step)
