"""Events of the applications domain, emitted by the services after commit.

They turn status changes into notifications for the people concerned. Outcomes are staged:
a decision is not announced to the company when a manager records it but when the cycle's
results are announced (the review issue), so ``status_changed`` tells the company only about
what it can already see.
"""

import logging

from .enums import STAGED, ApplicationStatus

logger = logging.getLogger(__name__)

S = ApplicationStatus


def invitation_created(*, invitation_id: int) -> None:
    from .tasks import send_invitation_email

    send_invitation_email.delay(invitation_id)


def status_changed(*, application_id: int, source: str, target: str, actor_id: int) -> None:
    """Called after a transition commits."""
    if target in STAGED:
        # Staged until the announcement; nothing goes to the company now.
        return
    logger.info("application %s: %s → %s", application_id, source, target)
