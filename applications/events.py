"""Events of the applications domain, emitted by the services after commit, turned into
notifications for the company's members (``notifications.services.notify``).

Outcomes are staged: a decision is not announced to the company when a manager records it
but when the cycle's results are announced (``reviews.services.results_notify``), so
``status_changed`` tells the company only what it can already see
(``selectors.application_view_for``). Every notification carries an event key, so a
repeated event never notifies twice.
"""

from django.contrib.auth import get_user_model

from notifications.enums import NotificationKind
from notifications.services import notify

from . import selectors
from .enums import STAGED, ApplicationStatus

S = ApplicationStatus


def members(company):
    """Every member of the company (owner included): the application is the company's."""
    return get_user_model().objects.filter(memberships__company=company, is_active=True)


def invitation_created(*, invitation_id: int) -> None:
    from .tasks import send_invitation_email

    send_invitation_email.delay(invitation_id)


def status_changed(*, application_id: int, source: str, target: str, actor_id: int) -> None:
    """Called after a transition commits: the receipt on submission, a notice to the team on
    withdrawal, a notice when the application goes under review, and the reason when it
    is screened out."""
    from .models import Application

    if target in STAGED:
        # Staged until the announcement, then told by the announcement's own e-mail
        # (``results_notify``); nothing goes to the company from here.
        return
    application = (
        Application.objects.select_related("company", "cycle__program")
        .filter(pk=application_id)
        .first()
    )
    if application is None:
        return
    actor = get_user_model().objects.filter(pk=actor_id).first()
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
