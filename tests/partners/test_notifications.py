"""partners.notify: new proposals after screening, reminders before the selection meeting,
matches at the announcement — through the outbox, each once, in the recipient's language."""

from datetime import timedelta

import pytest
from django.utils import timezone

from applications import services as application_services
from applications.enums import ApplicationStatus
from notifications.models import Notification
from partners import services
from partners.tasks import partners_notify
from programs.enums import CyclePhase
from programs.models import Cycle

from .world import build_world

pytestmark = pytest.mark.django_db


def _phase(cycle, phase, **fields):
    Cycle.objects.filter(pk=cycle.pk).update(phase=phase, **fields)
    cycle.refresh_from_db()


def test_each_consented_screened_proposal_is_told_once_to_its_partner_only(manager):
    world = build_world(manager, accept_nda=False)
    _phase(world.cycle, CyclePhase.REVIEW)

    first = services.partners_notify()
    again = partners_notify.delay().get()

    assert first["new"] == 3 and again["new"] == 0
    sponsor_mail = Notification.objects.filter(
        kind="partner_new_proposal", recipient=world.sponsor_user
    )
    assert {n.target_id for n in sponsor_mail} == {world.own.pk, world.own_second.pk}
    assert (
        Notification.objects.get(kind="partner_new_proposal", recipient=world.other_user).target_id
        == world.to_other.pk
    )
    mail = sponsor_mail.first()
    assert mail.language == "ja" and world.cycle.name in mail.subject
    # Before the agreement the e-mail names the call, never the company or the proposal.
    assert world.own.company.name_en not in mail.body
    assert world.own.title not in mail.body


def test_a_reminder_before_the_selection_meeting_for_proposals_without_interest(manager):
    world = build_world(manager)
    now = timezone.now()
    _phase(
        world.cycle,
        CyclePhase.REVIEW,
        opens_at=now - timedelta(days=20),
        closes_at=now - timedelta(days=1),
        review_due_at=now + timedelta(days=2),
    )
    services.interest_mark(actor=world.other_user, application=world.to_other, level="interested")

    created = services.partners_notify()

    reminders = Notification.objects.filter(kind="partner_reminder")
    assert created["reminder"] == 1
    assert [n.recipient for n in reminders] == [world.sponsor_user]
    assert services.partners_notify()["reminder"] == 0


def test_at_the_announcement_partner_and_company_get_each_others_contact(manager):
    world = build_world(manager)
    application_services.application_decide(
        application=world.own, actor=manager.user, decision=ApplicationStatus.SELECTED
    )
    application_services.application_decide(
        application=world.refusing, actor=manager.user, decision=ApplicationStatus.SELECTED
    )
    _phase(world.cycle, CyclePhase.ANNOUNCED)

    created = services.partners_notify()

    assert (created["match"], created["match_company"]) == (1, 1)
    owner = world.own.company.memberships.get().user
    to_partner = Notification.objects.get(kind="partner_match")
    to_company = Notification.objects.get(kind="partner_match_company")
    assert to_partner.recipient == world.sponsor_user
    assert owner.email in to_partner.body
    assert to_company.recipient == owner
    assert world.sponsor.contact_email in to_company.body
    # The company that refused the provision is never matched.
    assert not Notification.objects.filter(
        kind__startswith="partner_match", target_id=world.refusing.pk
    ).exists()
