"""Partners' services: invitations through the outbox, the approval flow of entries with
its history, the agreement's versions, conflicts and interest."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from applications.enums import REQUIRED_CONSENTS
from common.exceptions import TransitionError
from notifications.models import Notification
from partners import nda, selectors, services
from partners.enums import EditState, Interest, PartnerKind
from partners.models import NdaAcceptance, PartnerEntry, PartnerInterest
from programs.enums import Field, Track
from programs.models import Challenge
from tests.factories import ProgramManagerFactory, UserFactory, program_for, submitted_application

from .world import build_world, partner

pytestmark = pytest.mark.django_db

CHALLENGE = {
    "title": "臨床試験の脱落予測",
    "problem_statement": "Drop-outs in phase II trials.",
    "expected_outcome": "A validated model.",
    "field": Field.ICT.value,
    "poc_terms": "Six months, paid.",
}


def test_a_manager_invites_someone_without_an_account_through_the_outbox(manager):
    sponsor = partner("Example Pharma")

    invitation = services.partner_invite(
        actor=manager.user, partner=sponsor, email="New.Person@Pharma.example", language="ja"
    )

    mail = Notification.objects.get(kind="partner_invitation")
    assert (mail.email, mail.recipient, mail.language) == ("new.person@pharma.example", None, "ja")
    assert invitation.get_absolute_url() in mail.link
    assert "Example Pharma" in mail.subject


def test_only_the_managers_of_the_partners_program_invite(applicant):
    startup_only = ProgramManagerFactory(programs=[program_for(Track.STARTUP_SUPPORT)])
    sponsor = partner("Example Pharma")

    for actor in (applicant, startup_only.user):
        with pytest.raises(PermissionDenied):
            services.partner_invite(actor=actor, partner=sponsor, email="x@example.com")
    assert not Notification.objects.exists()


def test_accepting_the_invitation_needs_the_verified_invited_address(manager):
    sponsor = partner("Example Pharma")
    invitation = services.partner_invite(actor=manager.user, partner=sponsor, email="a@p.example")
    stranger = UserFactory(email="b@p.example")
    invited = UserFactory(email="a@p.example")

    with pytest.raises(PermissionDenied):
        services.partner_invitation_accept(invitation=invitation, actor=stranger)
    services.partner_invitation_accept(invitation=invitation, actor=invited)

    assert list(selectors.partners_of(invited)) == [sponsor]
    with pytest.raises(ValidationError):
        services.partner_invitation_accept(invitation=invitation, actor=invited)


def test_an_expired_invitation_is_refused(manager):
    sponsor = partner("Example Pharma")
    invitation = services.partner_invite(actor=manager.user, partner=sponsor, email="a@p.example")
    invited = UserFactory(email="a@p.example")

    with pytest.raises(ValidationError):
        services.partner_invitation_accept(
            invitation=invitation, actor=invited, now=timezone.now() + timedelta(days=15)
        )


def test_a_new_challenge_is_published_only_after_a_manager_approves_it(manager):
    user = UserFactory()
    sponsor = partner("Example Pharma", user=user)
    before = Challenge.objects.count()

    edit = services.entry_propose(actor=user, partner=sponsor, data=CHALLENGE)

    assert edit.state == EditState.PENDING
    assert Challenge.objects.count() == before
    services.entry_edit_decide(actor=manager.user, edit=edit, approve=True)
    edit.refresh_from_db()
    challenge = edit.entry.challenge
    assert (challenge.title, challenge.company, challenge.is_active) == (
        "臨床試験の脱落予測",
        "Example Pharma",
        True,
    )
    assert (edit.state, edit.decided_by) == (EditState.APPROVED, manager.user)


def test_a_change_keeps_the_published_text_until_approved_and_the_history(manager):
    user = UserFactory()
    sponsor = partner("Example Pharma", user=user)
    first = services.entry_propose(actor=user, partner=sponsor, data=CHALLENGE)
    services.entry_edit_decide(actor=manager.user, edit=first, approve=True)
    entry = PartnerEntry.objects.get(partner=sponsor)

    change = services.entry_propose(
        actor=user, partner=sponsor, data={**CHALLENGE, "title": "Changed"}, entry=entry
    )
    entry.challenge.refresh_from_db()
    assert entry.challenge.title == "臨床試験の脱落予測"

    services.entry_edit_decide(actor=manager.user, edit=change, approve=False, note="Too vague.")
    entry.challenge.refresh_from_db()
    assert entry.challenge.title == "臨床試験の脱落予測"
    assert [e.state for e in entry.edits.order_by("proposed_at", "pk")] == [
        EditState.APPROVED,
        EditState.REJECTED,
    ]
    with pytest.raises(TransitionError):
        services.entry_edit_decide(actor=manager.user, edit=change, approve=True)


def test_a_rejection_needs_a_note_and_a_partner_cannot_approve_its_own(manager):
    user = UserFactory()
    sponsor = partner("Example Pharma", user=user)
    edit = services.entry_propose(actor=user, partner=sponsor, data=CHALLENGE)

    with pytest.raises(ValidationError):
        services.entry_edit_decide(actor=manager.user, edit=edit, approve=False)
    with pytest.raises(PermissionDenied):
        services.entry_edit_decide(actor=user, edit=edit, approve=True)


def test_an_entry_that_could_never_be_published_is_refused_at_once():
    user = UserFactory()
    sponsor = partner("Example Pharma", user=user)

    with pytest.raises(ValidationError):
        services.entry_propose(actor=user, partner=sponsor, data={**CHALLENGE, "title": ""})


def test_a_holder_proposes_technologies():
    user = UserFactory()
    holder = partner("Example University", kind=PartnerKind.HOLDER, user=user)

    edit = services.entry_propose(
        actor=user,
        partner=holder,
        data={
            "title": "Vector",
            "holder_type": "university",
            "field": "gene_therapy",
            "trl": 4,
            "ip_status": "pending",
            "summary": "An AAV vector.",
        },
    )

    assert edit.kind == "technology"


def test_the_agreement_is_recorded_once_per_call_with_its_version(manager):
    world = build_world(manager, accept_nda=False)

    first = services.nda_accept(actor=world.sponsor_user, partner=world.sponsor, cycle=world.cycle)
    again = services.nda_accept(actor=world.sponsor_user, partner=world.sponsor, cycle=world.cycle)

    assert first.pk == again.pk
    assert first.text_version == nda.NDA_VERSION == "2027-03"


def test_an_older_version_of_the_agreement_stays_valid_for_its_call(manager, monkeypatch):
    world = build_world(manager, accept_nda=False)
    services.nda_accept(actor=world.sponsor_user, partner=world.sponsor, cycle=world.cycle)
    NdaAcceptance.objects.update(text_version="2026-01")

    assert set(selectors.proposals_visible_to(world.sponsor_user)) == {world.own, world.own_second}


def test_the_agreement_of_a_call_without_the_partners_entries_is_refused(manager):
    world = build_world(manager, accept_nda=False)
    outsider = partner("Third Pharma", user=UserFactory())

    with pytest.raises(PermissionDenied):
        services.nda_accept(
            actor=outsider.memberships.get().user, partner=outsider, cycle=world.cycle
        )


def test_interest_is_marked_on_visible_proposals_only(manager):
    world = build_world(manager)

    services.interest_mark(
        actor=world.sponsor_user, application=world.own, level=Interest.INTERESTED, comment="Yes"
    )
    services.interest_mark(
        actor=world.sponsor_user, application=world.own, level=Interest.WOULD_DISCUSS
    )

    interest = PartnerInterest.objects.get()
    assert (interest.partner, interest.level) == (world.sponsor, Interest.WOULD_DISCUSS)
    for hidden in (world.refusing, world.to_other, world.conflicted, world.unscreened):
        with pytest.raises(PermissionDenied):
            services.interest_mark(
                actor=world.sponsor_user, application=hidden, level=Interest.INTERESTED
            )
    assert selectors.interest_by_application([world.own.pk, world.refusing.pk]) == {
        world.own.pk: [interest]
    }


def test_a_conflict_by_an_unknown_number_reveals_nothing_and_records_nothing(manager):
    world = build_world(manager)

    services.conflict_declare_by_number(
        actor=world.sponsor_user, partner=world.sponsor, business_number="123-45-67890"
    )
    services.conflict_declare_by_number(
        actor=world.sponsor_user,
        partner=world.sponsor,
        business_number=world.own.company.business_number,
    )

    assert list(world.sponsor.conflicts.values_list("company", flat=True).order_by("pk")) == [
        world.conflicted.company_id,
        world.own.company_id,
    ]


def test_the_provision_consent_is_not_recorded_where_no_partner_is_asked(applicant):
    application = submitted_application(user=applicant)  # startup support: no partner

    assert sorted(application.consents.values_list("kind", flat=True)) == sorted(REQUIRED_CONSENTS)
