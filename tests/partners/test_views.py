"""Partner pages: the truth table of who reads which proposal by URL (own challenge, another
sponsor's, a non-consenting company, before the agreement, a conflict, anonymous), and the
pages' own flows."""

import pytest
from django.urls import reverse

from partners.enums import EditState, Interest
from partners.models import NdaAcceptance, PartnerEntryEdit, PartnerInterest
from tests.factories import UserFactory

from .test_services import CHALLENGE
from .world import build_world

pytestmark = pytest.mark.django_db

CASES = {
    "own": 200,
    "own_second": 200,
    "refusing": 404,
    "to_other": 404,
    "conflicted": 404,
    "unscreened": 404,
}


@pytest.mark.parametrize(("which", "expected"), CASES.items())
@pytest.mark.parametrize("page", ["partners:proposal", "document"])
def test_a_sponsor_reads_only_what_the_rules_allow(client, manager, which, expected, page):
    world = build_world(manager)
    application = getattr(world, which)
    client.force_login(world.sponsor_user)
    if page == "document":
        document = application.documents.first()
        url = reverse("partners:proposal_document", args=[application.pk, document.pk])
    else:
        url = reverse(page, args=[application.pk])

    response = client.get(url)

    assert response.status_code == expected
    if page == "document" and expected == 200:
        assert response["Content-Type"] == "application/pdf"
        assert b"%PDF" in b"".join(response.streaming_content)[:8]


@pytest.mark.parametrize("page", ["partners:proposal", "partners:proposal_conflict"])
def test_before_the_agreement_no_proposal_opens(client, manager, page):
    world = build_world(manager, accept_nda=False)
    client.force_login(world.sponsor_user)

    response = client.post(reverse(page, args=[world.own.pk]), {"level": "interested"})

    assert response.status_code == 404
    assert not PartnerInterest.objects.exists()


@pytest.mark.parametrize(
    "who", ["anonymous", "applicant", "manager", "reviewer", "other_sponsor", "stranger"]
)
def test_only_the_sponsors_own_user_opens_its_proposal(client, manager, mss_reviewer, who):
    world = build_world(manager)
    users = {
        "applicant": world.own.company.memberships.get().user,
        "manager": manager.user,
        "reviewer": mss_reviewer.user,
        "other_sponsor": world.other_user,
        "stranger": UserFactory(),
    }
    if who in users:
        client.force_login(users[who])

    response = client.get(reverse("partners:proposal", args=[world.own.pk]))

    if who == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    else:
        assert response.status_code == 404


def test_the_call_list_shows_the_two_readable_proposals_and_no_other(client, manager):
    world = build_world(manager)
    client.force_login(world.sponsor_user)

    response = client.get(reverse("partners:call", args=[world.cycle.pk]))

    assert response.status_code == 200
    body = response.content.decode()
    assert world.own.reference in body and world.own_second.reference in body
    for hidden in ("refusing", "to_other", "conflicted", "unscreened"):
        assert getattr(world, hidden).reference not in body
    # never a score, a reviewer, a decision
    assert "score" not in body.lower()


def test_the_call_sends_to_the_agreement_first_then_accepting_records_it(client, manager):
    world = build_world(manager, accept_nda=False)
    client.force_login(world.sponsor_user)

    first = client.get(reverse("partners:call", args=[world.cycle.pk]))
    refused = client.post(reverse("partners:agreement", args=[world.cycle.pk]), {})
    accepted = client.post(reverse("partners:agreement", args=[world.cycle.pk]), {"accept": "on"})

    assert first["Location"] == reverse("partners:agreement", args=[world.cycle.pk])
    assert refused.status_code == 400
    assert accepted["Location"] == reverse("partners:call", args=[world.cycle.pk])
    assert NdaAcceptance.objects.filter(user=world.sponsor_user, cycle=world.cycle).count() == 1


def test_marking_interest_on_the_page(client, manager):
    world = build_world(manager)
    client.force_login(world.sponsor_user)

    response = client.post(
        reverse("partners:proposal", args=[world.own.pk]),
        {"level": Interest.WOULD_DISCUSS, "comment": "PoC in Q3?"},
    )

    assert response.status_code == 302
    interest = PartnerInterest.objects.get()
    assert (interest.application, interest.level, interest.comment) == (
        world.own,
        Interest.WOULD_DISCUSS,
        "PoC in Q3?",
    )


def test_declaring_a_conflict_on_the_page_hides_the_company(client, manager):
    world = build_world(manager)
    client.force_login(world.sponsor_user)

    client.post(reverse("partners:proposal_conflict", args=[world.own.pk]), {"reason": "Investor"})

    assert client.get(reverse("partners:proposal", args=[world.own.pk])).status_code == 404


def test_the_approval_flow_through_the_pages(client, manager):
    world = build_world(manager)
    client.force_login(world.sponsor_user)
    response = client.post(reverse("partners:entry_new"), CHALLENGE)
    assert response.status_code == 302
    edit = PartnerEntryEdit.objects.get()

    client.force_login(world.other_user)
    assert client.get(reverse("partners:manage_edit", args=[edit.pk])).status_code == 404
    client.force_login(manager.user)
    listing = client.get(reverse("partners:manage"))
    assert CHALLENGE["title"] in listing.content.decode()
    client.post(reverse("partners:manage_edit", args=[edit.pk]), {"decision": "approve"})

    edit.refresh_from_db()
    assert edit.state == EditState.APPROVED
    board = client.get(reverse("programs:challenges")).content.decode()
    assert CHALLENGE["title"] in board


@pytest.mark.parametrize(
    "name", ["partners:home", "partners:conflicts", "partners:entry_new", "partners:manage"]
)
def test_pages_of_partners_answer_404_to_people_who_are_not(client, applicant, name):
    client.force_login(applicant)

    assert client.get(reverse(name)).status_code == 404


def test_a_manager_registers_a_partner_and_invites_a_user(client, manager):
    client.force_login(manager.user)

    created = client.post(
        reverse("partners:manage"),
        {
            "name": "Example Pharma",
            "kind": "sponsor",
            "contact_name": "Sato",
            "contact_email": "sato@pharma.example",
        },
    )
    invited = client.post(created["Location"], {"email": "new@pharma.example", "language": "ja"})

    assert invited.status_code == 302
    page = client.get(created["Location"]).content.decode()
    assert "new@pharma.example" in page


def test_managers_see_partner_interest_in_the_ranking_application_page_and_exports(client, manager):
    from reviews import exports

    world = build_world(manager)
    PartnerInterest.objects.create(
        partner=world.sponsor,
        application=world.own,
        level=Interest.INTERESTED,
        comment="Fits our pipeline",
        marked_by=world.sponsor_user,
    )
    client.force_login(manager.user)

    ranking = client.get(reverse("reviews:ranking", args=[world.cycle.pk])).content.decode()
    page = client.get(reverse("reviews:manage_application", args=[world.own.pk]))
    table = exports.ranking_table(world.cycle)

    label = "Example Pharma: Interested — Fits our pipeline"
    assert label in ranking
    assert label in page.content.decode()
    assert table.headers[-1] == "Partner interest"
    by_reference = {row[1]: row[-1] for row in table.rows}
    assert by_reference[world.own.reference] == label
    assert by_reference[world.own_second.reference] == ""
    applications = exports.applications_table(world.cycle)
    assert {row[0]: row[-1] for row in applications.rows}[world.own.reference] == label


def test_contact_persons_are_revealed_to_both_sides_only_after_a_selection_is_announced(
    client, manager
):
    from applications import services as application_services
    from applications.enums import ApplicationStatus
    from programs.enums import CyclePhase
    from programs.models import Cycle

    world = build_world(manager)
    owner = world.own.company.memberships.get().user
    application_services.application_decide(
        application=world.own, actor=manager.user, decision=ApplicationStatus.SELECTED
    )
    proposal_url = reverse("partners:proposal", args=[world.own.pk])

    client.force_login(world.sponsor_user)
    assert owner.email not in client.get(proposal_url).content.decode()
    client.force_login(owner)
    assert (
        world.sponsor.contact_email not in client.get(reverse("partners:matches")).content.decode()
    )

    Cycle.objects.filter(pk=world.cycle.pk).update(phase=CyclePhase.ANNOUNCED)

    client.force_login(world.sponsor_user)
    assert owner.email in client.get(proposal_url).content.decode()
    client.force_login(owner)
    assert world.sponsor.contact_email in client.get(reverse("partners:matches")).content.decode()
    refusing_owner = world.refusing.company.memberships.get().user
    client.force_login(refusing_owner)
    assert (
        world.sponsor.contact_email not in client.get(reverse("partners:matches")).content.decode()
    )


def test_an_invited_person_accepts_on_the_invitation_page(client, manager):
    from partners import services as partner_services
    from partners.models import PartnerMembership

    world = build_world(manager)
    invitation = partner_services.partner_invite(
        actor=manager.user, partner=world.sponsor, email="new.user@pharma.example"
    )
    url = reverse("partners:invitation", args=[invitation.token])

    anonymous = client.get(url)
    assert anonymous["Location"].startswith(reverse("account_login"))
    assert "next=" in anonymous["Location"]
    client.force_login(UserFactory(email="someone.else@pharma.example"))
    client.post(url)
    assert not PartnerMembership.objects.filter(user__email="someone.else@pharma.example").exists()
    invited = UserFactory(email="new.user@pharma.example")
    client.force_login(invited)
    response = client.post(url)

    assert response["Location"] == reverse("partners:home")
    assert PartnerMembership.objects.filter(partner=world.sponsor, user=invited).exists()


def test_a_manager_hands_a_published_challenge_to_its_sponsor(client, manager):
    from programs.models import Challenge

    from .world import partner

    sponsor = partner("New Pharma")
    free = Challenge.objects.create(
        company="New Pharma",
        title="Unowned challenge",
        problem_statement="p",
        expected_outcome="o",
        field="ict",
        poc_terms="t",
    )
    client.force_login(manager.user)
    url = reverse("partners:manage_partner", args=[sponsor.pk])

    assert "Unowned challenge" in client.get(url).content.decode()
    client.post(url, {"item": free.pk})

    assert free.partner_entry.partner == sponsor
    assert "Unowned challenge" not in client.get(url).context["link_form"].fields[
        "item"
    ].queryset.values_list("title", flat=True)
