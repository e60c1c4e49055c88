"""The policy's two answers agree: the scope a list is filtered by, and the yes/no a write service asks."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from marketplace.producers import policies
from marketplace.producers.policies import SYSTEM_IMPORT, SYSTEM_TASK, ProducerAction
from marketplace.producers.selectors import producers_of_user
from tests.factories import MembershipFactory, ProducerFactory, StaffFactory, UserFactory, staff_with

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    a, b, c = ProducerFactory(), ProducerFactory(), ProducerFactory()
    member = MembershipFactory(producer=a).user
    MembershipFactory(producer=b, user=member)
    actors = {
        "none": None,
        "anonymous": AnonymousUser(),
        "shopper": UserFactory(),
        "member_of_a_and_b": member,
        "inactive_member_of_a": MembershipFactory(producer=a, user=UserFactory(is_active=False)).user,
        "staff_without_permission": StaffFactory(),
        "staff_member_of_c": MembershipFactory(producer=c, user=StaffFactory()).user,
        "staff_catalogue": staff_with("catalog.change_product"),
        "superuser": StaffFactory(is_superuser=True),
        "system": SYSTEM_TASK,
    }
    return (a, b, c), actors


EXPECTED = {
    "none": set(),
    "anonymous": set(),
    "shopper": set(),
    "member_of_a_and_b": {"a", "b"},
    "inactive_member_of_a": set(),
    "staff_without_permission": set(),
    "staff_member_of_c": {"c"},
    "superuser": {"a", "b", "c"},
    "system": {"a", "b", "c"},
}


@pytest.mark.parametrize("action", list(ProducerAction))
def test_scope_and_answer_agree_for_every_actor_and_action(world, action):
    producers, actors = world
    names = dict(zip(producers, "abc", strict=True))
    for key, actor in actors.items():
        scope = {names[p] for p in policies.producers_in_scope(actor=actor, action=action)}
        answers = {
            names[p]
            for p in producers
            if policies.may_act_for_producer(actor=actor, action=action, producer_id=p.pk)
        }
        assert scope == answers, (key, action)
        if key == "staff_catalogue":
            catalogue = action == ProducerAction.MANAGE_CATALOGUE
            assert scope == ({"a", "b", "c"} if catalogue else set()), action
        else:
            assert scope == EXPECTED[key], (key, action)


def test_the_portal_lists_a_users_own_producers_only(world):
    (a, b, _), actors = world
    assert list(producers_of_user(user=actors["member_of_a_and_b"])) == sorted([a, b], key=lambda p: p.name)
    assert list(producers_of_user(user=actors["superuser"])) == []
    assert list(producers_of_user(user=actors["inactive_member_of_a"])) == []
    assert list(producers_of_user(user=actors["anonymous"])) == []


def test_payment_confirmation_is_staff_with_permission_or_system(world):
    _, actors = world
    allowed = {key for key, actor in actors.items() if policies.may_confirm_payment(actor)}
    assert allowed == {"superuser", "system"}
    assert policies.may_confirm_payment(staff_with("orders.change_order"))
    assert policies.may_confirm_payment(SYSTEM_IMPORT)


def test_none_is_no_actor_and_system_actors_have_no_user(world):
    _, actors = world
    with pytest.raises(PermissionDenied):
        policies.require_actor(None)
    policies.require_actor(AnonymousUser())
    with pytest.raises(PermissionDenied):
        policies.require_system(actors["superuser"])
    assert policies.acting_user(SYSTEM_TASK) is None
    assert policies.acting_user(actors["shopper"]) == actors["shopper"]
    assert str(SYSTEM_TASK) == "system:task"
