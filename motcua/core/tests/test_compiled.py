"""Queries compiled once give what their querysets give."""

import pytest

from motcua.core.compiled import Compiled
from motcua.org.models import Role, StaffRole, User

pytestmark = pytest.mark.django_db


def test_a_compiled_query_answers_like_its_queryset_for_every_value(org):
    roles = Compiled(lambda user_id: StaffRole.objects.active().filter(user_id=user_id)
                     .values_list("agency_id", "role"), stand_in=-770_077)
    StaffRole.objects.create(user=org.officer_a, agency=org.pc_a, role=Role.HEAD)
    for user in User.objects.all():
        expected = list(StaffRole.objects.active().filter(user=user)
                        .values_list("agency_id", "role"))
        assert sorted(roles.rows(user.pk)) == sorted(expected)
    assert roles.rows(-1) == []
    org.pc_a.is_active = False  # the queryset's own rules hold: inactive agencies drop out
    org.pc_a.save()
    assert roles.rows(org.officer_a.pk) == [(org.center_a.pk, Role.ONE_STOP_OFFICER)]


def test_a_stand_in_that_is_not_exactly_one_parameter_is_refused():
    twice = Compiled(lambda v: User.objects.filter(pk=v, id=v), stand_in=-770_077)
    with pytest.raises(RuntimeError):
        twice.statement()
    absent = Compiled(lambda v: User.objects.filter(pk=1), stand_in=-770_077)
    with pytest.raises(RuntimeError):
        absent.statement()
    # True == 1 in Python: a boolean parameter is never taken for an int stand-in
    flag = Compiled(lambda v: User.objects.filter(is_active__in=[True], pk=v), stand_in=1)
    sql, params = flag.statement()
    assert True in params and 1 in params and len(params) == 2
