"""A BPMN 2.0 diagram dropped beside the YAML files loads like them."""

import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from motcua.processing.models import Process, Source

pytestmark = pytest.mark.django_db
SAMPLES = Path(__file__).parent / "bpmn"


def test_a_bpmn_file_named_by_procedure_code_is_published(org, procedure, tmp_path):
    shutil.copy(SAMPLES / "birth_registration.bpmn", tmp_path / f"{procedure.code}.bpmn")
    call_command("load_processes", "--dir", str(tmp_path), "--effective-from", "2026-01-05")
    process = Process.objects.get(procedure=procedure)
    assert process.source == Source.BPMN
    steps = [(s.key, s.role) for s in process.parsed.steps]
    assert steps == [("receive", "one_stop_officer"), ("check", "specialist"),
                     ("verify", "specialist"), ("draft", "specialist"),
                     ("give_back", "one_stop_officer")]
    call_command("load_processes", "--dir", str(tmp_path), "--effective-from", "2026-01-05")
    assert Process.objects.count() == 1  # idempotent


def test_an_unsupported_bpmn_element_refuses_the_whole_load(org, procedure, tmp_path):
    shutil.copy(SAMPLES / "parallel_gateway.bpmn", tmp_path / f"{procedure.code}.bpmn")
    with pytest.raises(CommandError) as refused:
        call_command("load_processes", "--dir", str(tmp_path))
    assert "parallelGateway" in str(refused.value)
    assert not Process.objects.exists()
