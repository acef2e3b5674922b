from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.utils import translation

from motcua.catalog.importers import DEFAULT_FILE, load_procedures

START = dt.date(2025, 7, 1)


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English (their msgids), whatever translations exist."""
    with translation.override("en"):
        yield


@pytest.fixture
def catalog(db):
    """The bundled 37 procedures, in force from 1 July 2025."""
    return load_procedures(effective_from=START)


def bundled_records() -> list[dict[str, Any]]:
    return yaml.safe_load(DEFAULT_FILE.read_text(encoding="utf-8"))


def minimal_record(code: str = "1.009999", **overrides: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "code": code,
        "name_vi": "Thủ tục thử nghiệm",
        "name_en": "Test procedure",
        "sector": "Hộ tịch (Tư pháp)",
        "level": "commune",
        "agency": "UBND cấp xã",
        "duration_text": "3 ngày làm việc",
        "duration_value": 3,
        "duration_unit": "working_days",
        "cutoff": None,
        "fees": [{"name": "Lệ phí", "amount_vnd": 5000, "note": ""}],
        "components": [
            {"name": "Tờ khai", "form": "original", "quantity": 1, "required": True}
        ],
        "result": "Giấy xác nhận",
        "legal_basis": "Luật X. QĐ công bố: 1/QĐ-BTP",
        "source_url": "https://dichvucong.gov.vn/x",
        "confirmed": ["code"],
        "notes": "",
    }
    record.update(overrides)
    return copy.deepcopy(record)


@pytest.fixture
def write_yaml(tmp_path: Path):
    counter = {"n": 0}

    def write(data: Any) -> Path:
        counter["n"] += 1
        path = tmp_path / f"procedures-{counter['n']}.yaml"
        text = data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True)
        path.write_text(text, encoding="utf-8")
        return path

    return write
