import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse
from django.utils import timezone

from common.templatetags.portal import local_dt
from notifications.enums import DeliveryState, NotificationKind
from notifications.services import notify

POLL_SECONDS = 0.5


class Command(BaseCommand):
    help = (
        "Send a test notification (inbox and e-mail) to a user, through the same Celery "
        "worker and e-mail settings as every other notification, and wait for the outcome. "
        "Use it to check that a deployment's worker and SMTP settings work."
    )

    def add_arguments(self, parser):
        parser.add_argument("--to", required=True, help="E-mail address of an existing user.")
        parser.add_argument(
            "--wait",
            type=float,
            default=30,
            help="Seconds to wait for the delivery outcome (0: do not wait). Default 30.",
        )

    def handle(self, *args, to, wait, **options):
        user = get_user_model().objects.filter(email__iexact=to.strip()).first()
        if user is None:
            raise CommandError(f"No user has the e-mail address {to!r}.")
        if not user.is_active:
            raise CommandError(f"{user.email} is deactivated; the portal does not write to it.")
        now = timezone.now()
        (notification,) = notify(
            kind=NotificationKind.TEST_MESSAGE,
            target=user,
            recipients=[user],
            context={"url": reverse("notifications:inbox"), "requested_at": now},
            event_key=f"test:{now:%Y%m%dT%H%M%S.%f}",
        )
        self.stdout.write(
            f"Notification #{notification.pk} for {user.email} "
            f"(language {notification.language}): “{notification.subject}”."
        )
        if wait <= 0:
            return
        deadline = time.monotonic() + wait
        while True:
            notification.refresh_from_db()
            if notification.state != DeliveryState.PENDING:
                break
            if notification.last_error:
                raise CommandError(
                    f"Attempt {notification.attempts} failed: {notification.last_error}. "
                    f"The worker tries again at {notification.next_attempt_at:%H:%M:%S %Z}."
                )
            if time.monotonic() >= deadline:
                raise CommandError(
                    f"Still pending after {wait:g} s: is a Celery worker running on this "
                    f"broker? (last error: {notification.last_error or 'none'})"
                )
            time.sleep(POLL_SECONDS)
        if notification.state == DeliveryState.SENT:
            self.stdout.write(
                self.style.SUCCESS(f"E-mailed at {local_dt(notification.sent_at, 'Y-m-d H:i:s')}.")
            )
        else:
            raise CommandError(
                f"Not e-mailed: {notification.get_state_display()} "
                f"({notification.last_error or 'no error recorded'})."
            )
