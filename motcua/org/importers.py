"""Load the 34 provinces and 3,321 communes of July 2025 from the `vietnam-provinces` package.

Codes are the GSO codes as zero-padded strings: provinces 2 digits ("01", "37"), communes
5 digits ("00070", "14329"). Idempotent: a second run changes nothing; a new release of the
package updates names and types in place. Units that disappeared from the package are kept
(dossiers and agencies point at them) and reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from vietnam_provinces import Province, Ward

from motcua.core.text import fold
from motcua.org.models import AdministrativeUnit

Level = AdministrativeUnit.Level
_FIELDS = ["name", "name_folded", "level", "division_type", "parent_id"]


@dataclass
class LoadResult:
    provinces: int = 0
    communes: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    not_in_package: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        text = (
            f"{self.provinces} provinces, {self.communes} communes: "
            f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"
        )
        if self.not_in_package:
            text += f"; {len(self.not_in_package)} units not in the package kept"
        return text


def province_code(code: int) -> str:
    return f"{int(code):02d}"


def commune_code(code: int) -> str:
    return f"{int(code):05d}"


def _division_type(value: object) -> str:
    return str(getattr(value, "value", value))


def _sync(rows: list[AdministrativeUnit], existing: dict[str, AdministrativeUnit],
          result: LoadResult) -> None:
    to_create, to_update = [], []
    for row in rows:
        current = existing.get(row.code)
        if current is None:
            to_create.append(row)
        elif any(getattr(current, f) != getattr(row, f) for f in _FIELDS):
            for f in _FIELDS:
                setattr(current, f, getattr(row, f))
            to_update.append(current)
        else:
            result.unchanged += 1
    AdministrativeUnit.objects.bulk_create(to_create, batch_size=1000)
    AdministrativeUnit.objects.bulk_update(to_update, _FIELDS, batch_size=500)
    result.created += len(to_create)
    result.updated += len(to_update)


def load_units() -> LoadResult:
    """Create or update every province and commune in one transaction."""
    result = LoadResult()
    with transaction.atomic():
        existing = {u.code: u for u in AdministrativeUnit.objects.all()}
        provinces = [
            AdministrativeUnit(
                code=province_code(p.code), name=p.name, name_folded=fold(p.name),
                level=Level.PROVINCE, division_type=_division_type(p.division_type),
                parent_id=None,
            )
            for p in sorted(Province.iter_all(), key=lambda p: int(p.code))
        ]
        _sync(provinces, existing, result)
        province_ids = dict(
            AdministrativeUnit.objects.filter(level=Level.PROVINCE).values_list("code", "id")
        )
        communes = [
            AdministrativeUnit(
                code=commune_code(w.code), name=w.name, name_folded=fold(w.name),
                level=Level.COMMUNE, division_type=_division_type(w.division_type),
                parent_id=province_ids[province_code(w.province_code)],
            )
            for w in sorted(Ward.iter_all(), key=lambda w: int(w.code))
        ]
        _sync(communes, existing, result)
        result.provinces, result.communes = len(provinces), len(communes)
        known = {u.code for u in provinces} | {u.code for u in communes}
        result.not_in_package = sorted(set(existing) - known)
    return result
