import re

from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from accounts.models import User
from notifications.enums import DeliveryState
from notifications.models import Notification

PASSWORD = "a-long-and-unusual-passphrase-2027"


def test_sign_up_confirm_change_language_and_read_the_welcome(page, live_server, mailoutbox):
    page.goto(live_server.url + "/accounts/signup/")
    page.get_by_label("Email").fill("founder@example.com")
    page.get_by_label("Display name").fill("Kim Min-ji")
    page.get_by_label("Preferred language").select_option("en")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.get_by_role("button", name="Sign Up").click()

    expect(page.get_by_role("heading", name="Verify Your Email Address")).to_be_visible()
    (verification,) = mailoutbox
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", verification.body).group(0)

    page.goto(link)
    page.get_by_role("button", name="Confirm").click()

    # Logged in, with the welcome waiting in the inbox (and already e-mailed).
    expect(page.get_by_role("button", name="Kim Min-ji")).to_be_visible()
    expect(page.locator("#unread-badge")).to_contain_text("1")
    user = User.objects.get(email="founder@example.com")
    welcome = Notification.objects.get(recipient=user)
    assert welcome.state == DeliveryState.SENT
    assert mailoutbox[-1].subject == "[MOU Portal] Welcome to the MSS–iPark MOU Portal"

    page.get_by_role("button", name="Kim Min-ji").click()
    page.get_by_role("link", name="Settings").click()
    page.get_by_label("Preferred language").select_option("ko")
    page.get_by_role("button", name="Save settings").click()

    expect(page.locator("html")).to_have_attribute("lang", "ko")
    expect(page.locator("#id_preferred_language")).to_have_value("ko")
    user.refresh_from_db()
    assert user.preferred_language == "ko"

    page.locator("#inbox-link").click()
    row = page.locator(f"#notification-{welcome.pk}")
    # The welcome keeps the language it was written in; the page is now Korean.
    expect(row).to_contain_text("Welcome to the MSS–iPark MOU Portal")
    with translation.override("ko"):
        mark_read = gettext("Mark as read")
    assert mark_read != "Mark as read"
    row.get_by_role("button", name=mark_read).click()

    # htmx swapped the row and the badge in place.
    expect(row.get_by_role("button", name=mark_read)).to_have_count(0)
    expect(page.locator("#unread-badge")).to_be_hidden()
    welcome.refresh_from_db()
    assert welcome.read_at is not None
