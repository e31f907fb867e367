from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from programs.enums import Field, Track
from programs.models import Cycle
from tests.factories import (
    ChallengeFactory,
    CycleFactory,
    TechnologyFactory,
    open_cycle,
    program_for,
)

pytestmark = pytest.mark.django_db


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_home_lists_three_programs_and_open_cycles_with_deadlines(client):
    cycle = open_cycle(program=program_for(Track.JOINT_RND), name="2027 Round 1")

    response = client.get(reverse("programs:home"))

    content = response.content.decode()
    assert response.status_code == 200
    for name in [
        "Advanced Biotech Startup Support",
        "Korea–Japan Joint R&amp;D",
        "Japan–Korea Open Innovation",
    ]:
        assert name in content
    assert cycle.get_absolute_url() in content
    local_deadline = timezone.localtime(cycle.closes_at).strftime("%Y-%m-%d %H:%M")
    assert f"{local_deadline} KST/JST" in content


def test_home_hides_draft_cycles(client):
    draft = CycleFactory(name="Secret draft call")

    response = client.get(reverse("programs:home"))

    assert "Secret draft call" not in response.content.decode()
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_home_query_count_does_not_grow_with_cycles(client):
    open_cycle()
    few = _queries(client, reverse("programs:home"))
    for track in Track:
        for _ in range(4):
            open_cycle(program=program_for(track))

    many = _queries(client, reverse("programs:home"))

    assert many == few


def test_program_page_shows_description_and_calls(client):
    program = program_for(Track.OPEN_INNOVATION)
    cycle = open_cycle(program=program)

    response = client.get(program.get_absolute_url())

    content = response.content.decode()
    assert "unsolved issues faced by Japanese pharmaceutical companies" in content
    assert cycle.name in content
    assert reverse("programs:challenges") in content


def test_unknown_program_is_404(client):
    assert client.get(reverse("programs:program", kwargs={"program": "nope"})).status_code == 404


def test_cycle_page_shows_timeline_rubric_weights_and_documents(client):
    cycle = open_cycle(required_document_kinds=["business_plan", "pitch_deck"])

    response = client.get(cycle.get_absolute_url())

    content = response.content.decode()
    assert response.status_code == 200
    assert "Innovation" in content and "60.0%" in content
    assert "Team" in content and "40.0%" in content
    assert "Business plan" in content and "Pitch deck" in content
    assert "Open for applications" in content
    for moment in (cycle.opens_at, cycle.closes_at, cycle.review_due_at, cycle.announce_at):
        assert timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") in content


def test_cycle_page_of_closed_call_says_so(client):
    cycle = open_cycle(opens_at=timezone.now() - timedelta(days=30))

    content = client.get(cycle.get_absolute_url()).content.decode()

    assert "This call no longer accepts applications." in content


def test_cycle_page_query_count_does_not_grow_with_rubric(client):
    cycle = open_cycle(program=program_for(Track.JOINT_RND))
    few = _queries(client, cycle.get_absolute_url())
    cycle.technologies.add(*TechnologyFactory.create_batch(8))
    for order in range(3, 12):
        cycle.criteria.create(name=f"C{order}", weight=1, max_score=5, order=order)

    assert _queries(client, cycle.get_absolute_url()) == few


def test_technology_catalogue_search_and_filters(client):
    wanted = TechnologyFactory(title="AAV capsid for retina", field=Field.GENE_THERAPY, trl=5)
    TechnologyFactory(title="AAV vector, early", field=Field.GENE_THERAPY, trl=2)
    TechnologyFactory(title="Cartilage scaffold", field=Field.REGENERATIVE_MEDICINE, trl=6)
    TechnologyFactory(title="Hidden AAV", is_active=False, trl=9)

    response = client.get(
        reverse("programs:technologies"), {"q": "aav", "field": "gene_therapy", "trl_min": 4}
    )

    assert [t.pk for t in response.context["items"]] == [wanted.pk]


def test_technology_catalogue_paginates_and_keeps_filters(client):
    TechnologyFactory.create_batch(15, field=Field.CELL_THERAPY)

    first = client.get(reverse("programs:technologies"), {"field": "cell_therapy"})
    second = client.get(reverse("programs:technologies"), {"field": "cell_therapy", "page": 2})

    assert len(first.context["items"]) == 12
    assert len(second.context["items"]) == 3
    assert "field=cell_therapy&amp;page=2" in first.content.decode()


def test_technology_catalogue_filters_by_offering_cycle(client):
    cycle = open_cycle(program=program_for(Track.JOINT_RND))
    offered = TechnologyFactory()
    TechnologyFactory()
    cycle.technologies.add(offered)

    response = client.get(reverse("programs:technologies"), {"cycle": cycle.pk})

    assert [t.pk for t in response.context["items"]] == [offered.pk]
    assert cycle.get_absolute_url() in response.content.decode()


def test_technology_catalogue_query_count_does_not_grow(client):
    cycle = open_cycle(program=program_for(Track.JOINT_RND))
    cycle.technologies.add(TechnologyFactory())
    few = _queries(client, reverse("programs:technologies"))
    cycle.technologies.add(*TechnologyFactory.create_batch(11))

    assert _queries(client, reverse("programs:technologies")) == few


def test_technology_detail_and_inactive_is_404(client):
    active = TechnologyFactory(summary="Engineered capsids.")
    inactive = TechnologyFactory(is_active=False)

    assert "Engineered capsids." in client.get(active.get_absolute_url()).content.decode()
    assert client.get(inactive.get_absolute_url()).status_code == 404


def test_challenge_board_search_and_field_filter(client):
    wanted = ChallengeFactory(title="Trial drop-out prediction", field=Field.ICT)
    ChallengeFactory(title="Cold chain", field=Field.CELL_THERAPY, problem_statement="drop-out")
    ChallengeFactory(title="Drop-out, retired", is_active=False)

    response = client.get(reverse("programs:challenges"), {"q": "drop-out", "field": "ict"})

    assert [c.pk for c in response.context["items"]] == [wanted.pk]


def test_challenge_board_query_count_does_not_grow(client):
    cycle = open_cycle(program=program_for(Track.OPEN_INNOVATION))
    cycle.challenges.add(ChallengeFactory())
    few = _queries(client, reverse("programs:challenges"))
    cycle.challenges.add(*ChallengeFactory.create_batch(11))

    assert _queries(client, reverse("programs:challenges")) == few


def test_challenge_detail_shows_poc_terms(client):
    challenge = ChallengeFactory(poc_terms="Six months, JPY 10 million.")

    assert (
        "Six months, JPY 10 million." in client.get(challenge.get_absolute_url()).content.decode()
    )


def test_pages_render_in_korean_with_translated_program_names(client):
    client.cookies["django_language"] = "ko"

    content = client.get(reverse("programs:home")).content.decode()

    assert '<html lang="ko">' in content
    assert "첨단바이오 스타트업 지원" in content


def test_cycle_of_another_program_is_404(client):
    cycle = open_cycle(program=program_for(Track.JOINT_RND))
    url = reverse("programs:cycle", kwargs={"program": "open-innovation", "cycle": cycle.slug})

    assert client.get(url).status_code == 404
    assert Cycle.objects.filter(pk=cycle.pk).exists()
