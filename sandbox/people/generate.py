"""The generator of the population database and registries (settings.SANDBOX_SEEDERS).

Deterministic: the same `rng` gives the same people on every machine, so tests and the demo
can name them. The people live in the communes of the demo province (SANDBOX_PROVINCE_CODE,
GSO code; Ninh Bình by default, as the product's demo), in households of one to six.

Personal ID numbers follow Circular 59/2021/TT-BCA: 3 digits of the birth-registration
province (the 63 pre-2025 codes: Ninh Bình 037, Nam Định 036, Hà Nam 035 and a few from
elsewhere), 1 digit of century and sex (0/1: a man/woman born 1900-1999, 2/3: 2000-2099),
2 digits of the birth year, 6 random digits. Tax codes: 10 digits, the first two the tax
office's province (Ninh Bình 27), the 10th a check digit (weights 31 29 23 19 17 13 7 5 3).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from vietnam_provinces import Province, Ward

from sandbox.people.models import Business, CivilStatusEntry, JudicialRecord, Person

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô",
          "Dương", "Lý", "Đinh", "Trịnh", "Mai", "Phan", "Tạ", "Lương", "Cao"]
MIDDLE = {"male": ["Văn", "Đức", "Minh", "Quang", "Hữu", "Công", "Thanh", "Xuân"],
          "female": ["Thị", "Thu", "Ngọc", "Thanh", "Minh", "Thị Thu", "Thị Thanh", "Kim"]}
GIVEN = {"male": ["An", "Bình", "Cường", "Dũng", "Đạt", "Giang", "Hải", "Hiếu", "Hùng", "Khoa",
                  "Long", "Mạnh", "Nam", "Phong", "Quân", "Sơn", "Thắng", "Tuấn", "Việt", "Vinh"],
         "female": ["Anh", "Chi", "Dung", "Hà", "Hạnh", "Hoa", "Hương", "Lan", "Linh", "Mai",
                    "Ngân", "Nhung", "Oanh", "Phương", "Quỳnh", "Tâm", "Thảo", "Trang", "Vân",
                    "Yến"]}
STREETS = ["Trần Hưng Đạo", "Lê Lợi", "Nguyễn Huệ", "Đinh Tiên Hoàng", "Lý Thái Tổ",
           "Hàng Bàng", "Quang Trung", "Phạm Văn Đồng"]
HAMLETS = ["thôn Đông", "thôn Tây", "thôn Nam", "thôn Bắc", "xóm 1", "xóm 2", "xóm 3", "xóm Chùa"]
BIRTH_PROVINCES = ["037"] * 6 + ["036"] * 3 + ["035"] * 2 + ["001", "038", "034"]
PROVINCE_TAX_PREFIX = {"37": "27"}
TAX_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)
BUSINESS_KINDS = ["Công ty trách nhiệm hữu hạn", "Công ty cổ phần", "Doanh nghiệp tư nhân"]
TRADES = ["Thương mại", "Xây dựng", "Du lịch", "Vận tải", "Nông sản", "Dệt may", "Cơ khí"]
PEOPLE = 5000
BUSINESSES = 300


@dataclass(frozen=True)
class Known:
    """A person the product's demo names (motcua/demo/org.py): same number, same name."""

    id_number: str
    full_name: str
    birth_date: dt.date
    sex: str
    commune_code: str
    address: str
    assurance_level: int = 2


KNOWN = [
    Known("037095001234", "Nguyễn Văn An", dt.date(1995, 3, 14), "male", "14329",
          "Số 12, đường Trần Hưng Đạo"),
    Known("036198004321", "Hoàng Thị Lan", dt.date(1998, 11, 2), "female", "13666",
          "Số 45, đường Hàng Bàng"),
    # no demo account; an e-ID of level 1 only (registered in the app, not checked in person)
    Known("037080000111", "Trần Văn Bình", dt.date(1980, 7, 9), "male", "14329", "thôn Đông",
          assurance_level=1),
]


# A business the demo and the tests can name: citizen.an's own firm in Phường Hoa Lư.
KNOWN_BUSINESS = ("2701000019", "Công ty trách nhiệm hữu hạn Du lịch Hoa Lư An",
                  "Công ty trách nhiệm hữu hạn", "Số 12, đường Trần Hưng Đạo", "14329",
                  "037095001234")

UNASSIGNED_TAX_CODE = "2701000026"  # valid, never given: "no such business" in the tests


def century_sex_digit(year: int, sex: str) -> str:
    return str((year // 100 - 19) * 2 + (1 if sex == "female" else 0))


def tax_check_digit(first_nine: str) -> int | None:
    check = 10 - sum(w * int(d) for w, d in zip(TAX_WEIGHTS, first_nine, strict=True)) % 11
    return None if check == 10 else check


def communes(province_code: int) -> list[tuple[str, str]]:
    """(5-digit GSO code, name) of the province's communes, by code."""
    return [(f"{int(w.code):05d}", w.name)
            for w in sorted(Ward.iter_all(), key=lambda w: int(w.code))
            if int(w.province_code) == province_code]


def province_name(province_code: int) -> str:
    province = next(p for p in Province.iter_all() if int(p.code) == province_code)
    name = str(province.name)
    return name if name.lower().startswith(("tỉnh", "thành phố")) else f"tỉnh {name}"


class Generator:
    def __init__(self, rng: random.Random, province_code: int) -> None:
        self.rng = rng
        self.communes = communes(province_code)
        self.province = province_name(province_code)
        self.tax_prefix = PROVINCE_TAX_PREFIX.get(f"{province_code:02d}", f"{province_code:02d}")
        self.used_ids = {k.id_number for k in KNOWN}
        self.used_tax: set[str] = {KNOWN_BUSINESS[0], UNASSIGNED_TAX_CODE}

    def address(self, commune: tuple[str, str]) -> str:
        rng = self.rng
        place = (f"Số {rng.randint(1, 250)}, đường {rng.choice(STREETS)}"
                 if commune[1].startswith("Phường") else rng.choice(HAMLETS))
        return f"{place}, {commune[1]}, {self.province}"

    def id_number(self, birth: dt.date, sex: str) -> str:
        while True:
            number = (f"{self.rng.choice(BIRTH_PROVINCES)}{century_sex_digit(birth.year, sex)}"
                      f"{birth.year % 100:02d}{self.rng.randint(0, 999_999):06d}")
            if number not in self.used_ids:
                self.used_ids.add(number)
                return number

    def tax_code(self) -> str:
        while True:
            nine = f"{self.tax_prefix}{self.rng.randint(1, 9_999_999):07d}"
            check = tax_check_digit(nine)
            if check is not None and nine + str(check) not in self.used_tax:
                self.used_tax.add(nine + str(check))
                return nine + str(check)

    def birth(self, low: int, high: int) -> dt.date:
        return dt.date(self.rng.randint(low, high), self.rng.randint(1, 12),
                       self.rng.randint(1, 28))

    def name(self, sex: str, family: str | None = None) -> str:
        rng = self.rng
        return f"{family or rng.choice(FAMILY)} {rng.choice(MIDDLE[sex])} {rng.choice(GIVEN[sex])}"

    def person(self, *, sex: str, birth: dt.date, name: str, commune: tuple[str, str],
               address: str, household: str, relation: str) -> Person:
        moved = self.rng.random() < 0.1
        current = self.rng.choice(self.communes) if moved else commune
        return Person(
            id_number=self.id_number(birth, sex), full_name=name, birth_date=birth, sex=sex,
            permanent_address=address, permanent_commune_code=commune[0],
            current_address=self.address(current) if moved else address,
            current_commune_code=current[0], household_code=household,
            relation_to_head=relation,
            assurance_level=1 if self.rng.random() < 0.15 else 2)

    def household(self, number: int) -> list[Person]:
        rng = self.rng
        commune = rng.choice(self.communes)
        address = self.address(commune)
        code = f"HK{number:08d}"
        family = rng.choice(FAMILY)
        head_sex = rng.choice(["male", "male", "female"])
        head_birth = self.birth(1945, 1995)
        people = [self.person(sex=head_sex, birth=head_birth, name=self.name(head_sex, family),
                              commune=commune, address=address, household=code,
                              relation="Chủ hộ")]
        if rng.random() < 0.8:
            sex = "female" if head_sex == "male" else "male"
            people.append(self.person(
                sex=sex, birth=self.birth(head_birth.year - 3, min(head_birth.year + 5, 2000)),
                name=self.name(sex), commune=commune, address=address, household=code,
                relation="Vợ" if sex == "female" else "Chồng"))
        for _ in range(rng.choice([0, 1, 1, 2, 2, 3, 4])):
            sex = rng.choice(["male", "female"])
            born = self.birth(head_birth.year + 20, min(head_birth.year + 40, 2024))
            people.append(self.person(sex=sex, birth=born, name=self.name(sex, family),
                                      commune=commune, address=address, household=code,
                                      relation="Con"))
        return people


def seed(rng: random.Random) -> None:
    """Generate the people, businesses and registry entries (nothing when already there)."""
    if Person.objects.exists():
        return
    province_code = int(getattr(settings, "SANDBOX_PROVINCE_CODE", 37))
    gen = Generator(rng, province_code)
    people: list[Person] = []
    by_code = dict(gen.communes)
    for number, known in enumerate(KNOWN, start=1):
        commune = (known.commune_code, by_code.get(known.commune_code, gen.communes[0][1]))
        address = f"{known.address}, {commune[1]}, {gen.province}"
        people.append(Person(
            id_number=known.id_number, full_name=known.full_name, birth_date=known.birth_date,
            sex=known.sex, permanent_address=address, permanent_commune_code=commune[0],
            current_address=address, current_commune_code=commune[0],
            household_code=f"HK{number:08d}", relation_to_head="Chủ hộ",
            assurance_level=known.assurance_level))
    number = len(KNOWN)
    while len(people) < PEOPLE:
        number += 1
        people.extend(gen.household(number))
    adults = [p for p in people if p.birth_date.year <= 2000]
    with transaction.atomic():
        Person.objects.bulk_create(people, batch_size=500)
        code, name, kind, street, commune_code, owner_id = KNOWN_BUSINESS
        businesses = [Business(
            tax_code=code, name=name, kind=kind,
            address=f"{street}, {by_code.get(commune_code, '')}, {gen.province}",
            commune_code=commune_code, representative=people[0],
            registered_on=dt.date(2019, 5, 20), status="active")]
        assert people[0].id_number == owner_id
        for _ in range(BUSINESSES):
            commune = gen.rng.choice(gen.communes)
            owner = gen.rng.choice(adults)
            kind = gen.rng.choice(BUSINESS_KINDS)
            businesses.append(Business(
                tax_code=gen.tax_code(), kind=kind,
                name=f"{kind} {gen.rng.choice(TRADES)} {owner.full_name.split()[-1]} "
                     f"{gen.rng.randint(1, 99)}",
                address=gen.address(commune), commune_code=commune[0], representative=owner,
                registered_on=gen.birth(2005, 2025), status="active"))
        Business.objects.bulk_create(businesses)
        entries = []
        for person in people:
            commune_name = by_code.get(person.permanent_commune_code, "")
            entries.append(CivilStatusEntry(
                person=person, kind="birth", registered_on=person.birth_date
                + dt.timedelta(days=gen.rng.randint(3, 60)),
                authority=f"Ủy ban nhân dân {commune_name}",
                book_number=f"{gen.rng.randint(1, 400)}/{person.birth_date.year}",
                details={"full_name": person.full_name, "birth_date":
                         person.birth_date.isoformat(), "sex": person.sex}))
        heads = {p.household_code: p for p in people if p.relation_to_head == "Chủ hộ"}
        for person in people:
            if person.relation_to_head in ("Vợ", "Chồng"):
                head = heads[person.household_code]
                married = max(head.birth_date, person.birth_date) + dt.timedelta(days=365 * 22)
                for one, other in ((head, person), (person, head)):
                    entries.append(CivilStatusEntry(
                        person=one, kind="marriage", registered_on=married,
                        authority=f"Ủy ban nhân dân "
                                  f"{by_code.get(one.permanent_commune_code, '')}",
                        book_number=f"{gen.rng.randint(1, 200)}/{married.year}",
                        details={"spouse_id_number": other.id_number,
                                 "spouse_name": other.full_name}))
        CivilStatusEntry.objects.bulk_create(entries, batch_size=1000)
        convicted = gen.rng.sample(adults[len(KNOWN):], 25)
        JudicialRecord.objects.bulk_create(JudicialRecord(
            person=p, court=f"Tòa án nhân dân khu vực {gen.rng.randint(1, 6)} - {gen.province}",
            judgment=f"{gen.rng.randint(1, 300)}/{year}/HS-ST", judged_on=dt.date(year, 6, 1),
            offence=gen.rng.choice(["Trộm cắp tài sản", "Đánh bạc", "Cố ý gây thương tích",
                                    "Vi phạm quy định về tham gia giao thông đường bộ"]),
            sentence=gen.rng.choice(["12 tháng tù cho hưởng án treo", "Phạt tiền 20.000.000 đồng",
                                     "9 tháng cải tạo không giam giữ"]),
            expunged=year < 2018)
            for p in convicted for year in [gen.rng.randint(2010, 2024)])
