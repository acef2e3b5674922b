"""Generated people, households, businesses and registry entries of the demo province."""

from django.db import models


class Person(models.Model):
    """A resident as the national population database knows them."""

    id_number = models.CharField(max_length=12, primary_key=True)
    full_name = models.CharField(max_length=150)
    birth_date = models.DateField()
    sex = models.CharField(max_length=6)  # "male" / "female"
    nationality = models.CharField(max_length=50, default="Việt Nam")
    ethnicity = models.CharField(max_length=30, default="Kinh")
    permanent_address = models.CharField(max_length=300)
    permanent_commune_code = models.CharField(max_length=5)
    current_address = models.CharField(max_length=300)
    current_commune_code = models.CharField(max_length=5)
    household_code = models.CharField(max_length=12, db_index=True)
    relation_to_head = models.CharField(max_length=30)
    # VNeID identification level: 2 for a chip card checked in person, 1 for an app-only account.
    assurance_level = models.PositiveSmallIntegerField(default=2)

    class Meta:
        ordering = ["id_number"]


class Business(models.Model):
    tax_code = models.CharField(max_length=10, primary_key=True)
    name = models.CharField(max_length=255)
    kind = models.CharField(max_length=60)
    address = models.CharField(max_length=300)
    commune_code = models.CharField(max_length=5)
    representative = models.ForeignKey(Person, on_delete=models.PROTECT,
                                       related_name="businesses")
    registered_on = models.DateField()
    status = models.CharField(max_length=30, default="active")

    class Meta:
        ordering = ["tax_code"]


class CivilStatusEntry(models.Model):
    """A registration in the civil-status database (birth, marriage, death)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="civil_status")
    kind = models.CharField(max_length=10)  # birth / marriage / death
    registered_on = models.DateField()
    authority = models.CharField(max_length=200)
    book_number = models.CharField(max_length=30)
    details = models.JSONField(default=dict)

    class Meta:
        ordering = ["registered_on", "pk"]


class JudicialRecord(models.Model):
    """A conviction in the judicial-record database (most people have none)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="convictions")
    court = models.CharField(max_length=200)
    judgment = models.CharField(max_length=60)
    judged_on = models.DateField()
    offence = models.CharField(max_length=200)
    sentence = models.CharField(max_length=200)
    expunged = models.BooleanField(default=False)

    class Meta:
        ordering = ["judged_on", "pk"]
