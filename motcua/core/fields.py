"""API fields shared by every domain."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from motcua.core.text import UnfitText, clean_human_text


class HumanTextField(serializers.CharField):
    """A text a person typed (a name, an address, a reason), through `clean_human_text`."""

    default_error_messages = {
        "control": _("The text holds a character that cannot be stored (NUL or a lone "
                     "surrogate)."),
        "bidi": _("The text holds a direction-changing control character, which would reorder "
                  "what is printed."),
        "invisible": _("The text holds only invisible characters."),
    }

    def to_internal_value(self, data: Any) -> str:
        text = super().to_internal_value(data)
        try:
            return clean_human_text(text)
        except UnfitText as unfit:
            self.fail(unfit.code)
            raise  # unreachable: fail raises
