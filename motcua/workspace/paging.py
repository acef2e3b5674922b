"""Django's pagination over a worklist page (processing.selectors.Page): the selector reads the
rows of one page and the count together, so the paginator is given both, not a query."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from math import ceil
from typing import Any, cast

from django.core.paginator import Page, Paginator

from motcua.processing.selectors import Page as Rows


class _Counted:
    """The rows of one page standing for a list of `count` rows (what Paginator reads)."""

    def __init__(self, items: list[Any], count: int) -> None:
        self.items, self._count = items, count

    def count(self) -> int:
        return self._count

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, _window: slice) -> list[Any]:
        return self.items


def page_number(value: str | None) -> int:
    try:
        return max(1, int(value or 1))
    except ValueError:
        return 1


def counted_page(fetch: Callable[[int], Rows], number: int, per_page: int
                 ) -> tuple[Rows, Page[Any]]:
    """The rows of page `number` (`fetch(offset)`), or of the last page past the end."""
    rows = fetch((number - 1) * per_page)
    last = max(1, ceil(rows.count / per_page))
    if number > last:
        number = last
        rows = fetch((number - 1) * per_page)
    counted = cast(Sequence[Any], _Counted(rows.items, rows.count))
    return rows, Paginator(counted, per_page).page(number)
