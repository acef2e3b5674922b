"""Text helpers shared by every domain."""

import unicodedata


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
