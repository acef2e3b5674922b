import time

import pytest
from django.core.management import call_command

from motcua.core.text import fold
from motcua.org.importers import load_units
from motcua.org.models import AdministrativeUnit

pytestmark = pytest.mark.django_db


def test_loads_34_provinces_and_3321_communes_with_gso_codes():
    started = time.perf_counter()
    result = load_units()
    elapsed = time.perf_counter() - started
    assert (result.provinces, result.communes, result.created) == (34, 3321, 3355)
    assert AdministrativeUnit.objects.filter(level="province").count() == 34
    assert AdministrativeUnit.objects.filter(level="commune").count() == 3321
    assert elapsed < 3

    ninh_binh = AdministrativeUnit.objects.get(code="37")
    assert ninh_binh.name == "Ninh Bình" and ninh_binh.division_type == "tỉnh"
    assert ninh_binh.children.count() == 129
    hanoi = AdministrativeUnit.objects.get(code="01")
    assert hanoi.division_type == "thành phố trung ương"
    hoan_kiem = AdministrativeUnit.objects.get(code="00070")
    assert hoan_kiem.name == "Phường Hoàn Kiếm"
    assert hoan_kiem.parent == hanoi and hoan_kiem.level == "commune"
    hoa_lu = AdministrativeUnit.objects.get(code="14329")
    assert hoa_lu.name_folded == fold("Phường Hoa Lư") == "phuong hoa lu"
    assert hoa_lu.province() == ninh_binh
    assert AdministrativeUnit.objects.filter(division_type="đặc khu").count() == 13


def test_a_second_load_changes_nothing_and_repairs_edits():
    load_units()
    unit = AdministrativeUnit.objects.get(code="14329")
    AdministrativeUnit.objects.filter(pk=unit.pk).update(name="Sai tên", name_folded="sai ten")
    ids_before = dict(AdministrativeUnit.objects.values_list("code", "id"))

    result = load_units()

    assert (result.created, result.updated, result.unchanged) == (0, 1, 3354)
    assert AdministrativeUnit.objects.count() == 3355
    assert dict(AdministrativeUnit.objects.values_list("code", "id")) == ids_before
    assert AdministrativeUnit.objects.get(code="14329").name == "Phường Hoa Lư"
    assert load_units().unchanged == 3355


def test_units_unknown_to_the_package_are_kept_and_reported():
    AdministrativeUnit.objects.create(code="99999", name="Xã Cũ", level="commune",
                                      division_type="xã")
    result = load_units()
    assert result.not_in_package == ["99999"]
    assert AdministrativeUnit.objects.filter(code="99999").exists()


def test_load_units_command(capsys):
    call_command("load_units")
    assert "34 provinces, 3321 communes" in capsys.readouterr().out
