import pytest

from accounts.models import User

pytestmark = pytest.mark.django_db


def test_create_user_logs_in_by_lowercased_email_without_username():
    user = User.objects.create_user(email="Founder@Example.COM", password="s3cret-pass")

    assert user.email == "founder@example.com"
    assert not hasattr(user, "username") or user.username is None
    assert user.check_password("s3cret-pass")
    assert user.preferred_language == "en"
    assert str(user) == "founder@example.com"


def test_create_superuser_is_staff():
    user = User.objects.create_superuser(email="root@example.com", password="x")

    assert user.is_staff and user.is_superuser


def test_user_without_email_is_refused():
    with pytest.raises(ValueError):
        User.objects.create_user(email="", password="x")
