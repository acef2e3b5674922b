"""The public address of a page: the base and the path joined by exactly one slash."""

from __future__ import annotations

import pytest

from motcua.core.addresses import public_url


@pytest.mark.parametrize("base", ["https://dichvucong.ninhbinh.example",
                                  "https://dichvucong.ninhbinh.example/"])
def test_one_slash_between_the_base_and_the_path(settings, base):
    settings.PUBLIC_BASE_URL = base
    assert public_url("/tra-cuu/000.01.20.H40-261116-0001") == \
        "https://dichvucong.ninhbinh.example/tra-cuu/000.01.20.H40-261116-0001"
