import pytest
from django.contrib.auth.models import AnonymousUser

from motcua.org import actions
from motcua.org.models import Role
from motcua.org.selectors import agencies_of, has_role

pytestmark = pytest.mark.django_db


def test_agencies_of_lists_active_roles_only(org):
    user = org.specialist_a
    actions.grant_role(user, org.pc_b, Role.HEAD, None)
    assert set(agencies_of(user)) == {org.pc_a, org.pc_b}
    assert list(agencies_of(user, Role.HEAD)) == [org.pc_b]
    assert set(agencies_of(user, [Role.HEAD, Role.SPECIALIST])) == {org.pc_a, org.pc_b}
    assert list(agencies_of(user, Role.LEADER)) == []

    actions.revoke_role(user, org.pc_b, Role.HEAD, None)
    assert list(agencies_of(user)) == [org.pc_a]
    user.is_active = False
    user.save()
    assert list(agencies_of(user)) == []
    assert list(agencies_of(AnonymousUser())) == []


def test_has_role(org):
    assert has_role(org.officer_a, org.center_a, Role.ONE_STOP_OFFICER)
    assert has_role(org.officer_a, org.center_a.pk, [Role.HEAD, Role.ONE_STOP_OFFICER])
    assert not has_role(org.officer_a, org.center_b, Role.ONE_STOP_OFFICER)
    assert not has_role(org.officer_a, org.center_a, Role.LEADER)
    assert not has_role(AnonymousUser(), org.center_a, Role.ONE_STOP_OFFICER)
    assert not has_role(None, org.center_a, Role.ONE_STOP_OFFICER)
    actions.deactivate_agency(org.center_a, actor=None)
    assert not has_role(org.officer_a, org.center_a, Role.ONE_STOP_OFFICER)


def test_agencies_of_is_one_query(org, django_assert_num_queries):
    with django_assert_num_queries(1):
        list(agencies_of(org.officer_a, Role.ONE_STOP_OFFICER))
