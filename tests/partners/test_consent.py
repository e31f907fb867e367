"""The optional provision consent at submission: asked only of an application that answers
a challenge or names a technology, never required, recorded with its own version."""

import pytest
from django.urls import reverse

from applications.consent import CONSENT_TEXTS, partner_consent_asked
from applications.enums import ApplicationStatus, ConsentKind
from programs.enums import Track
from tests.factories import complete_application, cycle_for, draft_application

pytestmark = pytest.mark.django_db


def _review(application):
    return reverse("applications:edit", args=[application.pk, "review"])


@pytest.mark.parametrize(
    ("track", "asked"),
    [(Track.OPEN_INNOVATION, True), (Track.JOINT_RND, True), (Track.STARTUP_SUPPORT, False)],
)
def test_the_partner_consent_is_asked_only_where_there_is_a_partner(client, track, asked):
    application = complete_application(draft_application(track=track))
    client.force_login(application.company.memberships.get().user)

    content = client.get(_review(application)).content.decode()

    assert partner_consent_asked(application) is asked
    assert ('name="consent_partner_provision"' in content) is asked
    assert 'name="consent_personal_data"' in content


@pytest.mark.parametrize("given", [True, False])
def test_submitting_with_or_without_the_partner_consent(client, given):
    application = complete_application(draft_application(cycle=cycle_for(Track.OPEN_INNOVATION)))
    client.force_login(application.company.memberships.get().user)
    data = {"consent_personal_data": "on", "consent_overseas_transfer": "on"}
    if given:
        data["consent_partner_provision"] = "on"

    response = client.post(_review(application), data)

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    versions = dict(application.consents.values_list("kind", "text_version"))
    if given:
        assert versions[ConsentKind.PARTNER_PROVISION] == "partner_provision/2027-03"
    else:
        assert ConsentKind.PARTNER_PROVISION not in versions


def test_the_partner_consent_is_versioned_apart_from_the_others():
    assert CONSENT_TEXTS[ConsentKind.PARTNER_PROVISION].version == "partner_provision/2027-03"
    assert CONSENT_TEXTS[ConsentKind.PERSONAL_DATA].version == "personal_data/2027-02"
    assert CONSENT_TEXTS[ConsentKind.PARTNER_PROVISION].dated.isoformat() == "2027-03-01"
