"""Forms 04 and 05 as official letters (Decree 30/2020/NĐ-CP): number and notation, place
and date, and the competent agency's signer, fixed when the letter is issued.

Numbers: one series per issuing agency and calendar year (Việt Nam time), shared by both
letters, restarting at 1 on 1 January (Decree 30, Art. 15: a document's number is its order
among the agency's documents of the year), bumped by one atomic upsert in the action's
transaction (`sequences`): concurrent letters never share a number, a rolled-back action
gives its number back. The series is this system's own: an agency that numbers all its
documents in one register elsewhere must reconcile the two (not done here).

Notation (Decree 30, Art. 15 and Appendix III), per issuing agency:
- Form 05, a notice ("Thông báo", abbreviated TB): ``12/TB-UBND``;
- Form 04, a letter without a type name ("công văn"): the agency's abbreviation, then that
  of the drafting unit, here the one-stop section ("MC", Bộ phận Một cửa): ``13/UBND-MC``.
The agency's abbreviation is its `short_name` when it is an abbreviation (capitals, no space),
else "UBND" for a People's Committee, else the initials of its name without the place
("Sở Tư pháp tỉnh Ninh Bình" → "STP").

Signer: the competent (handling) agency's leader (an active LEADER role, the longest held
first); an agency without one signs through its head (an active HEAD role) "TL." (on the
leader's behalf, Decree 30 Art. 13), and the letter records which (`signer_role`). Never the
person who clicked.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass

from motcua.core.formatting import local
from motcua.dossiers.models import Dossier, Letter, LetterKind
from motcua.dossiers.sequences import next_in_year
from motcua.org.models import Agency, Role, StaffRole, User

APOLOGY, STOP = LetterKind.APOLOGY, LetterKind.STOP
TYPE_ABBREVIATIONS = {STOP: "TB"}  # Decree 30, Appendix III
DRAFTING_UNIT = "MC"  # công văn (Form 04): <agency>-<drafting unit>

LEADER_TITLES = {
    Agency.Kind.PROVINCE_PC: "Chủ tịch",
    Agency.Kind.COMMUNE_PC: "Chủ tịch",
    Agency.Kind.PC_OFFICE: "Chánh Văn phòng",
    Agency.Kind.DEPARTMENT: "Giám đốc",
    Agency.Kind.PROVINCE_CENTER: "Giám đốc",
    Agency.Kind.COMMUNE_CENTER: "Giám đốc",
    Agency.Kind.SECTOR: "Thủ trưởng cơ quan",
}
HEAD_TITLE = "Trưởng phòng"
_PLACE_WORDS = ("tỉnh", "thành phố", "phường", "xã", "đặc khu", "thị trấn")


def series(agency_id: int) -> str:
    return f"letter:{agency_id}"


def _initials(words: str) -> str:
    out = []
    for word in words.split():
        if word.lower() == "và":  # "Sở Giáo dục và Đào tạo" -> "SGDĐT"
            continue
        first = word[0]
        if first in "đĐ":
            out.append("Đ")
            continue
        base = unicodedata.normalize("NFD", first)[0]
        if base.isalpha():
            out.append(base.upper())
    return "".join(out)


def agency_abbreviation(agency: Agency) -> str:
    short = agency.short_name.strip()
    if short and " " not in short and short.upper() == short:
        return short
    if agency.kind in (Agency.Kind.PROVINCE_PC, Agency.Kind.COMMUNE_PC):
        return "UBND"
    # the name without its place: "Bảo hiểm xã hội tỉnh Ninh Bình" -> "Bảo hiểm xã hội"
    name = agency.name.strip()
    place = agency.unit.name.lower()
    for word in _PLACE_WORDS:
        if place.startswith(word + " "):
            place = place[len(word) + 1:]
    if place and name.lower().endswith(place):
        name = name[:-len(place)].rstrip()
        for word in _PLACE_WORDS:
            if name.lower().endswith(" " + word):
                name = name[:-len(word)].rstrip()
                break
    return _initials(name) or "CQ"


def notation(kind: str, number: int, agency: Agency) -> str:
    abbr = agency_abbreviation(agency)
    if kind in TYPE_ABBREVIATIONS:
        return f"{number}/{TYPE_ABBREVIATIONS[LetterKind(kind)]}-{abbr}"
    return f"{number}/{abbr}-{DRAFTING_UNIT}"


@dataclass(frozen=True)
class Signer:
    user: User | None
    name: str
    title: str
    role: str  # "leader" | "head" | ""


def signer_of(agency: Agency) -> Signer:
    """Who signs for `agency`: its leader, else its head on the leader's behalf, else nobody
    (the letter then leaves the name to be written by hand)."""
    for role in (Role.LEADER, Role.HEAD):
        held = (StaffRole.objects.active().filter(agency=agency, role=role, user__is_active=True)
                .select_related("user").order_by("id").first())
        if held is not None:
            user = held.user
            title = LEADER_TITLES.get(Agency.Kind(agency.kind), "Thủ trưởng cơ quan") \
                if role == Role.LEADER else HEAD_TITLE
            return Signer(user, user.full_name or user.username, title, str(role))
    return Signer(None, "", "", "")


def leader_title(agency: Agency) -> str:
    return LEADER_TITLES.get(Agency.Kind(agency.kind), "Thủ trưởng cơ quan")


def issue(d: Dossier, kind: LetterKind, now: dt.datetime) -> Letter:
    """Number and record letter `kind` for `d`, issued by its competent (handling) agency at
    `now`. Call inside the action's transaction."""
    agency = d.handling_agency
    year = local(now).year
    number = next_in_year(series(agency.pk), year)
    signer = signer_of(agency)
    return Letter.objects.create(
        kind=kind, dossier=d, agency=agency, year=year, number=number,
        notation=notation(kind, number, agency), issued_at=now, signer=signer.user,
        signer_name=signer.name, signer_title=signer.title, signer_role=signer.role,
    )


def issued(d: Dossier, kind: LetterKind, now: dt.datetime) -> Dossier:
    """`issue`, returning the dossier (for an action that ends by returning it)."""
    issue(d, kind, now)
    return d
