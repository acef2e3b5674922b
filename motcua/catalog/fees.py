"""Which published fees a dossier is charged, and their total (DOMAIN.md §3: fees are public
content; amounts are never invented).

The national database publishes a procedure's fee lines side by side, and some are
alternatives: "– nộp trực tiếp" / "– nộp trực tuyến" (one or the other by channel), "(nếu có
yêu cầu)" (an extra copy, only if asked for), "tại cơ quan đại diện" (charged abroad, not by
the province). `classify` reads that from the published name when a fee is imported; an
administrator may correct it (Fee.applies). A dossier is charged the lines for its channel
when the procedure has some, else the lines for every channel: a line for one channel
replaces the general one (3.000347: 135,000 VND, or 115,000 VND when filed online).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from motcua.catalog.models import Fee, FeeApplies, ProcedureVersion
from motcua.core.text import fold

# Channels as dossiers.models.Channel numbers them (catalog sits below dossiers).
COUNTER, ONLINE, POSTAL = 1, 2, 3


def classify(name: str) -> FeeApplies:
    """When the fee named `name` is charged, as its published name says."""
    folded = fold(name)
    if "neu co yeu cau" in folded:
        return FeeApplies.ON_REQUEST
    if "co quan dai dien" in folded:
        return FeeApplies.ELSEWHERE
    remote = "truc tuyen" in folded or "buu chinh" in folded
    in_person = "truc tiep" in folded
    if remote and not in_person:
        return FeeApplies.REMOTE
    if in_person and not remote:
        return FeeApplies.IN_PERSON
    return FeeApplies.ANY


def charged(fees: Iterable[Fee], channel: int) -> list[Fee]:
    """The lines a dossier filed on `channel` is charged."""
    own = FeeApplies.IN_PERSON if channel == COUNTER else FeeApplies.REMOTE
    lines = list(fees)
    specific = [f for f in lines if f.applies == own]
    return specific or [f for f in lines if f.applies == FeeApplies.ANY]


def total(fees: Iterable[Fee]) -> int | None:
    """Their sum when every amount is known; None otherwise."""
    amounts = [f.amount_vnd for f in fees]
    if any(a is None for a in amounts):
        return None
    return sum(a for a in amounts if a is not None)


@dataclass(frozen=True)
class FeeTotals:
    """A procedure version's total in person and online (None: an amount is unknown)."""

    in_person: int | None
    remote: int | None

    @property
    def varies(self) -> bool:
        return self.in_person != self.remote

    @property
    def single(self) -> int | None:
        """The total when it is the same on every channel; None when unknown or varying."""
        return None if self.varies else self.in_person


def totals(version: ProcedureVersion | None) -> FeeTotals:
    if version is None:
        return FeeTotals(None, None)
    fees = list(version.fees.all())
    return FeeTotals(total(charged(fees, COUNTER)), total(charged(fees, ONLINE)))
