"""seed_demo's partners: a sponsor and a holder who log in (README's logins), each owning
its call's first challenge or technology; running it again changes nothing."""

from io import StringIO

import pytest
from django.core.management import call_command

from partners import selectors
from partners.models import PartnerEntry, PartnerOrganisation

pytestmark = pytest.mark.django_db


def test_seed_demo_adds_a_sponsor_and_a_holder_who_log_in(client):
    out = StringIO()
    call_command("seed_demo", stdout=out)
    call_command("seed_demo", stdout=StringIO())

    assert "sponsor@demo.mou-portal.example  /  demo-partner-2027" in out.getvalue()
    assert "holder@demo.mou-portal.example  /  demo-partner-2027" in out.getvalue()
    assert sorted(PartnerOrganisation.objects.values_list("kind", flat=True)) == [
        "holder",
        "sponsor",
    ]
    assert PartnerEntry.objects.count() == 2
    for email in ("sponsor@demo.mou-portal.example", "holder@demo.mou-portal.example"):
        assert client.login(email=email, password="demo-partner-2027")
        response = client.get("/partner/")
        assert response.status_code == 200
        partner = response.context["partner"]
        assert [
            cycle
            for cycle, _signed, _count in selectors.calls_for(response.context["user"], partner)
        ]
        client.logout()
