"""Text helpers shared by every domain."""

import unicodedata

from django.utils.translation import gettext_lazy as _


def fold(text: str) -> str:
    """Lower-case, strip Vietnamese diacritics and map đ→d, for diacritic-insensitive search.

    >>> fold("Đăng ký KHAI SINH")
    'dang ky khai sinh'
    """
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.lower().split())


def mask_name(full_name: str) -> str:
    """Mask a person's name for public display: 'Nguyễn Văn An' → 'N***** V** An'."""
    words = full_name.split()
    if not words:
        return ""
    masked = [w[0] + "*" * (len(w) - 1) for w in words[:-1]]
    return " ".join([*masked, words[-1]])


# Bidirectional embeddings, overrides and isolates: they reorder what a slip prints
# ("Nguyễn \u202eAn" prints reversed). Refused in every human text.
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
                          "\u2066\u2067\u2068\u2069")
# Characters with no visible form: a text made only of them says nothing.
INVISIBLE = frozenset("\u00ad\u034f\u180e\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064"
                      "\ufeff")


class UnfitText(ValueError):
    """A human text that cannot be stored or printed as it is; `code` names why."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


# Why a text was refused (UnfitText.code), in the words every form and the API show.
UNFIT_MESSAGES = {
    "control": _("The text holds a character that cannot be stored (NUL or a lone "
                 "surrogate)."),
    "bidi": _("The text holds a direction-changing control character, which would reorder "
              "what is printed."),
    "invisible": _("The text holds only invisible characters."),
}


def clean_human_text(value: str) -> str:
    """The one check of a text a person typed (a name, an address, a reason): NFC, no NUL, no
    lone surrogate, no bidirectional control, and not empty once invisible characters are
    removed (an empty text stays empty: whether it may be is the field's rule). Raises
    UnfitText with code "control", "bidi" or "invisible"."""
    if not _storable_text(value):
        raise UnfitText("control")
    if any(ch in BIDI_CONTROLS for ch in value):
        raise UnfitText("bidi")
    text = unicodedata.normalize("NFC", value)
    if text.strip() and not "".join(ch for ch in text if ch not in INVISIBLE).strip():
        raise UnfitText("invisible")
    return text


def _storable_text(text: str) -> bool:
    """No NUL (PostgreSQL refuses it) and no lone surrogate (UTF-8 cannot encode it)."""
    return not any(ch == "\x00" or "\ud800" <= ch <= "\udfff" for ch in text)


def storable(value: object) -> bool:
    """Whether JSON data (form data) holds no NUL and no lone surrogate in any key or text:
    PostgreSQL refuses the first, and neither can be encoded."""
    if isinstance(value, str):
        return _storable_text(value)
    if isinstance(value, dict):
        return all(storable(k) and storable(v) for k, v in value.items())
    if isinstance(value, list):
        return all(storable(v) for v in value)
    return True
