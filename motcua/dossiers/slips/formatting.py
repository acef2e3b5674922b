"""Pure formatting helpers for the official slips: times, dates and agency names.

No database access; every function takes plain values.
"""

from __future__ import annotations

from datetime import date, datetime

from motcua.core.formatting import LOCAL_TZ, format_dt, format_dt_or_blank, local

__all__ = ["LOCAL_TZ", "format_dt", "format_dt_or_blank", "local", "legal_date",
           "place_date_line", "place_name", "unit_title"]

# Prefixes already naming the kind of unit ("Phường Hoa Lư", "Thành phố Hà Nội").
_UNIT_PREFIXES = ("thành phố", "tỉnh", "phường", "xã", "đặc khu", "thị trấn", "quận", "huyện")
# Kinds that read naturally before the unit's name when the name lacks them.
_UNIT_KINDS = ("tỉnh", "thành phố", "phường", "xã", "đặc khu")


def legal_date(day: date) -> str:
    """``ngày 12 tháng 02 năm 2026`` as Decree 30/2020/NĐ-CP writes dates in documents:
    a leading zero for days below 10 and for months 1 and 2 only (``ngày 05 tháng 3``)."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def place_date_line(place: str, value: datetime) -> str:
    """``Ninh Bình, ngày 12 tháng 02 năm 2026`` (the local date of ``value``)."""
    return f"{place}, {legal_date(local(value).date())}"


def place_name(unit_name: str) -> str:
    """The place name written before the date: "Thành phố Hà Nội" -> "Hà Nội"."""
    lowered = unit_name.lower()
    for prefix in ("thành phố ", "tỉnh "):
        if lowered.startswith(prefix):
            return unit_name[len(prefix):]
    return unit_name


def unit_title(unit_name: str, division_type: str) -> str:
    """"Phường Hoa Lư" stays; ("Ninh Bình", "tỉnh") -> "Tỉnh Ninh Bình"."""
    lowered = unit_name.lower()
    if lowered.startswith(_UNIT_PREFIXES):
        return unit_name
    kind = (division_type or "").strip().lower()
    if kind in _UNIT_KINDS:
        return f"{kind.capitalize()} {unit_name}"
    return unit_name
