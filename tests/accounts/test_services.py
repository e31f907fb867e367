"""The accounts services' refusals of bad values (the pages offer only good ones)."""

import pytest
from django.core.exceptions import ValidationError

from accounts.models import ApiToken
from accounts.services import api_token_create, user_update_settings
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_settings_refuse_a_language_the_portal_does_not_speak():
    user = UserFactory(display_name="Kim", preferred_language="ko")

    with pytest.raises(ValidationError) as refused:
        user_update_settings(
            user=user,
            actor=user,
            display_name="Changed",
            preferred_language="fr",
            email_opt_out=True,
        )

    assert refused.value.code == "language"
    user.refresh_from_db()
    assert (user.display_name, user.preferred_language) == ("Kim", "ko")


def test_a_token_needs_a_known_scope():
    user = UserFactory()

    with pytest.raises(ValidationError) as refused:
        api_token_create(user=user, actor=user, name="script", scope="admin")

    assert refused.value.code == "scope"
    assert not ApiToken.objects.exists()
