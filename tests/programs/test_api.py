import re

import pytest

from programs.enums import Track
from tests.factories import CycleFactory, TechnologyFactory, open_cycle, program_for

pytestmark = pytest.mark.django_db


def test_api_lists_public_cycles_with_rubric_only(client):
    public = open_cycle(program=program_for(Track.OPEN_INNOVATION))
    CycleFactory(name="Draft call")

    data = client.get("/api/v1/cycles/").json()

    assert [c["id"] for c in data["results"]] == [public.pk]
    cycle = data["results"][0]
    assert cycle["track"] == "open_innovation"
    assert cycle["accepting_applications"] is True
    assert [c["name"] for c in cycle["criteria"]] == ["Innovation", "Team"]


def test_api_technologies_share_the_page_filters(client):
    TechnologyFactory(title="AAV capsid", trl=5)
    TechnologyFactory(title="AAV early", trl=2)

    data = client.get("/api/v1/technologies/", {"q": "aav", "trl_min": 4}).json()

    assert [t["title"] for t in data["results"]] == ["AAV capsid"]


def test_api_is_read_only_for_visitors(client):
    response = client.post("/api/v1/technologies/", {"title": "x"})

    assert response.status_code in (403, 405)


def test_openapi_schema_and_docs_are_served(client):
    schema = client.get("/api/schema/")
    docs = client.get("/api/docs/")

    assert schema.status_code == 200
    assert b"/api/v1/cycles/" in schema.content
    assert docs.status_code == 200
    # Every script and stylesheet of the docs page comes from the portal itself (the
    # sidecar package), never from a CDN. (Matching "cdn" in the page failed whenever the
    # random CSRF token in it happened to contain those three letters.)
    assets = re.findall(r'(?:src|href)="([^"]+)"', docs.content.decode())
    assert any(url.startswith("/static/") for url in assets), assets
    assert [url for url in assets if not url.startswith("/")] == []
    assert re.findall(r"https?://[^\s\"']+", docs.content.decode()) == []
