"""Events of the applications domain, turned into notifications for the company's members
(``notifications.services.notify``) inside the transaction of the action they report: a
committed action always has its notices recorded, a rolled-back one has none. Only the
e-mail delivery waits for the commit (``notify`` queues it with ``on_commit``).

Outcomes are staged: a decision is not announced to the company when a manager records it
but when the cycle's results are announced (``reviews.services.results_notify``), so
``status_changed`` tells the company only what it can already see
(``selectors.application_view_for``). Every notification carries an event key, so a
repeated event never notifies twice.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse

from notifications.enums import NotificationKind
from notifications.services import notify, notify_address

from . import selectors
from .enums import STAGED, ApplicationStatus

S = ApplicationStatus


def members(company):
    """Every member of the company (owner included): the application is the company's."""
    return get_user_model().objects.filter(memberships__company=company, is_active=True)


def invitation_created(*, invitation) -> None:
    """Called inside the transaction that creates the invitation: its e-mail is recorded in
    the outbox with it (the invited person may have no account yet) and delivered after
    commit, with the outbox's retries."""
    notify_address(
        kind=NotificationKind.INVITATION,
        email=invitation.email,
        language=invitation.language,
        target=invitation,
        context={
            "invitation": invitation,
            "company": invitation.company,
            "inviter": invitation.invited_by,
            "url": invitation.get_absolute_url(),
            "signup_url": settings.SITE_URL + reverse("account_signup"),
        },
    )


def status_changed(*, application, source: str, target: str, actor) -> None:
    """Called by the transition services inside their transaction: the receipt on
    submission, a notice to the team on withdrawal, a notice when the application goes
    under review, and the reason when it is screened out. An exception here rolls the
    transition back: a status change is never committed without its notice."""
    if target in STAGED:
        # Staged until the announcement, then told by the announcement's own e-mail
        # (``results_notify``); nothing goes to the company from here.
        return
    recipients = members(application.company)
    if target == S.SUBMITTED:
        notify(
            kind=NotificationKind.APPLICATION_SUBMITTED,
            target=application,
            recipients=recipients,
            actor=actor,
            context={"documents": list(application.documents.order_by("kind", "pk"))},
        )
    elif target in (S.INELIGIBLE, S.WITHDRAWN):
        # With the reason given. Screening out is not staged: the company learns at once
        # that it is out, and why.
        reason = selectors.application_view_for(None, application).note_for(target)
        notify(
            kind=NotificationKind.APPLICATION_INELIGIBLE
            if target == S.INELIGIBLE
            else NotificationKind.APPLICATION_WITHDRAWN,
            target=application,
            recipients=recipients,
            actor=actor,
            event_key=f"status:{target}" if target == S.INELIGIBLE else "",
            context={"reason": reason or ""},
        )
    else:
        notify(
            kind=NotificationKind.APPLICATION_STATUS_CHANGED,
            target=application,
            recipients=recipients,
            actor=actor,
            event_key=f"status:{target}",
            context={"status_label": S(target).label},
        )
