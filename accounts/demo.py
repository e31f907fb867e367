"""Demo accounts (embedded mode only): verified e-mail addresses with known passwords."""

from allauth.account.models import EmailAddress
from django.urls import reverse

from common.demo import DemoLogin, upsert
from notifications.enums import NotificationKind
from notifications.services import notify

from .models import User


def demo_user(*, email: str, password: str, display_name: str, language: str, **flags) -> User:
    """Create or refresh a demo user whose e-mail is verified, so that it can log in."""
    user, _ = upsert(
        User,
        {"email": email},
        {"display_name": display_name, "preferred_language": language, **flags},
    )
    if not user.check_password(password):
        user.set_password(password)
        user.save(update_fields=["password"])
    upsert(
        EmailAddress,
        {"user": user, "email": email},
        {"verified": True, "primary": True},
    )
    return user


def seed() -> list[DemoLogin]:
    admin = demo_user(
        email="admin@demo.mou-portal.example",
        password="demo-admin-2027",
        display_name="Portal administrator",
        language="en",
        is_staff=True,
        is_superuser=True,
    )
    applicant = demo_user(
        email="applicant@demo.mou-portal.example",
        password="demo-applicant-2027",
        display_name="Kim Min-ji (applicant)",
        language="ko",
    )
    # The welcome a real user gets on confirming their address, so the demo inbox (and
    # the console, where embedded mode prints e-mail) shows a notification. Sent once:
    # notify() is idempotent.
    notify(
        kind=NotificationKind.WELCOME,
        target=applicant,
        recipients=[applicant, admin],
        context={"url": reverse("programs:home")},
    )
    return [
        DemoLogin("applicant", "applicant@demo.mou-portal.example", "demo-applicant-2027"),
        DemoLogin("superuser", "admin@demo.mou-portal.example", "demo-admin-2027"),
    ]
