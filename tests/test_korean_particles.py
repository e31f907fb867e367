"""Korean particles change with the word before them (은/는, 이/가, 을/를, 으로/로, 와/과):
glued to a name or an e-mail address that the portal fills in, one of the two is always
wrong for some value. Translations put such values where no particle follows (e.g.
"…님, 로그인되었습니다" or "…: %(email)s")."""

import gettext
import re

from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory
from tests.factories.accounts import PASSWORD

PLACEHOLDER_AND_PARTICLE = re.compile(
    r"(%\([a-z_]+\)[sd]|\{[a-z_]+\})\s?(은|는|이|가|을|를|으로|로|와|과)(?![가-힣])"
)


def test_no_korean_translation_glues_a_changing_particle_to_a_placeholder():
    path = settings.BASE_DIR / "locale" / "ko" / "LC_MESSAGES" / "django.mo"
    with open(path, "rb") as mo:
        catalog = gettext.GNUTranslations(mo)._catalog
    glued = {
        key if isinstance(key, str) else key[0]: text
        for key, text in catalog.items()
        if PLACEHOLDER_AND_PARTICLE.search(text)
    }
    assert glued == {}


def test_korean_sign_in_message_names_the_user_without_a_particle(db):
    user = UserFactory(display_name="박지우", preferred_language="ko")
    client = Client(headers={"accept-language": "ko"})
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ko"
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": PASSWORD}, follow=True
    )
    texts = [str(message) for message in response.context["messages"]]
    assert "박지우 님, 로그인되었습니다." in texts
