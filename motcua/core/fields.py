"""API fields shared by every domain."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from motcua.core.text import UNFIT_MESSAGES, UnfitText, clean_human_text


class HumanTextField(serializers.CharField):
    """A text a person typed (a name, an address, a reason), through `clean_human_text`."""

    default_error_messages = dict(UNFIT_MESSAGES)

    def to_internal_value(self, data: Any) -> str:
        text = super().to_internal_value(data)
        try:
            return clean_human_text(text)
        except UnfitText as unfit:
            self.fail(unfit.code)
            raise  # unreachable: fail raises
