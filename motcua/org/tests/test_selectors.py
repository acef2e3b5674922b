import pytest
from django.contrib.auth.models import AnonymousUser

from motcua.core.request_cache import RequestCache
from motcua.org import actions
from motcua.org.models import Role
from motcua.org.selectors import agencies_of, has_role, held_roles

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


def test_roles_are_read_once_per_request_and_a_change_in_it_counts_at_once(
        org, rf, django_assert_num_queries):
    user = org.specialist_a
    with django_assert_num_queries(2):  # outside a request: every call reads
        held_roles(user)
        held_roles(user)

    def view(_request):
        with django_assert_num_queries(1):
            first = held_roles(user)
            assert held_roles(user) == first
        actions.grant_role(user, org.pc_b, Role.HEAD, None)  # an administrator's change
        assert org.pc_b.pk in {r.agency_id for r in held_roles(user)}
        actions.revoke_role(user, org.pc_b, Role.HEAD, None)
        assert org.pc_b.pk not in {r.agency_id for r in held_roles(user)}
        actions.deactivate_agency(org.pc_a, actor=None)
        assert held_roles(user) == []
        return "done"

    assert RequestCache(view)(rf.get("/")) == "done"
    with django_assert_num_queries(1):  # the next request reads again
        RequestCache(lambda _request: held_roles(user))(rf.get("/"))
