"""Request body parsing with the errors of a hostile body made plain (400 problem+json)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import IO, Any

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser; a body nested too deep for the decoder (RecursionError, a server
    error before) is refused like any malformed JSON."""

    def parse(self, stream: IO[Any], media_type: str | None = None,
              parser_context: Mapping[str, Any] | None = None) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_("The JSON body is nested too deeply.")) from None
        except ParseError as error:
            # DRF's message is English with Python's words in it ("JSON parse error - …")
            if "int_max_str_digits" in str(error.detail):
                raise ParseError(_("A number in the JSON body has too many digits.")) from None
            raise ParseError(_("The body is not valid JSON.")) from None


class MultiPartParser(parsers.MultiPartParser):
    """DRF's multipart parser with its parse error in the user's language."""

    def parse(self, stream: IO[Any], media_type: str | None = None,
              parser_context: Mapping[str, Any] | None = None) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except ParseError:
            raise ParseError(_("The multipart form cannot be read.")) from None
