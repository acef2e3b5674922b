"""Document types of the data store: what a stored document is, and which component of a
procedure it can give. A component's type is guessed from its name (diacritic-insensitive
words, core.text.fold); the officer who digitizes a component confirms or changes it."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from motcua.core.text import fold


@dataclass(frozen=True)
class DocumentType:
    code: str
    label: Promise
    words: tuple[str, ...]  # folded phrases of a component's name that mean this type


OTHER = "other"
TYPES: tuple[DocumentType, ...] = (
    DocumentType("birth-certificate", _("Birth certificate"), ("giay khai sinh",)),
    DocumentType("birth-notice", _("Certificate of birth (from the hospital)"),
                 ("giay chung sinh",)),
    DocumentType("identity-card", _("Identity card"),
                 ("can cuoc", "chung minh nhan dan", "ho chieu")),
    DocumentType("marital-status", _("Certificate of marital status"),
                 ("xac nhan tinh trang hon nhan",)),
    DocumentType("marriage-certificate", _("Marriage certificate"),
                 ("giay chung nhan ket hon",)),
    DocumentType("death-certificate", _("Death notice"), ("giay bao tu",)),
    DocumentType("residence", _("Proof of residence"), ("cu tru",)),
    DocumentType("land-certificate", _("Land use right certificate"),
                 ("giay chung nhan quyen su dung dat",)),
    DocumentType("business-registration", _("Business registration certificate"),
                 ("giay chung nhan dang ky doanh nghiep", "dang ky kinh doanh")),
    DocumentType("diploma", _("Diploma or certificate of education"),
                 ("bang tot nghiep", "van bang")),
    DocumentType("health-certificate", _("Health certificate"), ("giay kham suc khoe",)),
    DocumentType("authorization", _("Authorization document"), ("uy quyen",)),
    DocumentType(OTHER, _("Other document"), ()),
)
BY_CODE = {t.code: t for t in TYPES}


def choices() -> list[tuple[str, str]]:
    return [(t.code, str(t.label)) for t in TYPES]


def label(code: str) -> str:
    found = BY_CODE.get(code)
    return str(found.label) if found else code


def of_component(name: str) -> str:
    """The document type a component named `name` asks for: the type whose phrase comes first
    in the name ("Giấy khai sinh hoặc giấy chứng sinh" is a birth certificate), else OTHER."""
    folded = fold(name)
    best: tuple[int, str] | None = None
    for doc in TYPES:
        for phrase in doc.words:
            at = folded.find(phrase)
            if at >= 0 and (best is None or at < best[0]):
                best = (at, doc.code)
    return best[1] if best else OTHER
