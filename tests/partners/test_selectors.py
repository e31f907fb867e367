"""What a partner user sees: the truth table of ``proposals_visible_to`` (the pages and the
API are held against it in test_views.py and test_api.py)."""

import pytest

from applications.enums import ConsentKind
from partners import selectors
from partners.services import conflict_declare
from tests.factories import UserFactory

from .world import build_world

pytestmark = pytest.mark.django_db


def test_sponsor_sees_only_consented_screened_proposals_to_its_own_challenge(manager):
    world = build_world(manager)

    seen = set(selectors.proposals_visible_to(world.sponsor_user))

    assert seen == {world.own, world.own_second}


def test_other_sponsor_sees_only_its_own(manager):
    world = build_world(manager)

    assert list(selectors.proposals_visible_to(world.other_user)) == [world.to_other]


def test_before_the_agreement_a_partner_sees_nothing(manager):
    world = build_world(manager, accept_nda=False)

    assert list(selectors.proposals_visible_to(world.sponsor_user)) == []


def test_a_conflict_hides_the_company_at_once(manager):
    world = build_world(manager)

    conflict_declare(actor=world.sponsor_user, partner=world.sponsor, company=world.own.company)

    assert set(selectors.proposals_visible_to(world.sponsor_user)) == {world.own_second}


@pytest.mark.parametrize("who", ["anonymous", "applicant", "manager", "reviewer"])
def test_people_who_are_not_partner_users_see_no_proposal(manager, mss_reviewer, who):
    world = build_world(manager)
    from django.contrib.auth.models import AnonymousUser

    user = {
        "anonymous": AnonymousUser(),
        "applicant": world.own.company.memberships.get().user,
        "manager": manager.user,
        "reviewer": mss_reviewer.user,
    }[who]

    assert list(selectors.proposals_visible_to(user)) == []


def test_the_provision_consent_is_recorded_with_its_own_version(manager):
    world = build_world(manager)

    consent = world.own.consents.get(kind=ConsentKind.PARTNER_PROVISION)

    assert consent.text_version == "partner_provision/2027-03"
    assert not world.refusing.consents.filter(kind=ConsentKind.PARTNER_PROVISION).exists()
    assert sorted(world.refusing.consents.values_list("kind", flat=True)) == [
        "overseas_transfer",
        "personal_data",
    ]


def test_a_user_of_no_partner_is_not_a_partner_user(manager):
    assert not selectors.is_partner_user(UserFactory())
    world = build_world(manager)
    assert selectors.is_partner_user(world.sponsor_user)
