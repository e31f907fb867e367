"""Technologies and challenges in three languages: the reader's language when translated,
else the English original marked "Original in English" with ``lang="en"``; the managers of
the program that offers them edit the texts in the portal."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from programs import services
from programs.catalogue import missing_languages, shown_language
from programs.demo import _seed_catalogue
from programs.enums import Track
from programs.models import Challenge, Technology
from tests.factories import (
    ChallengeFactory,
    ProgramManagerFactory,
    TechnologyFactory,
    UserFactory,
    cycle_for,
    program_for,
)

pytestmark = pytest.mark.django_db

KOREAN_BADGE = "영어 원문"
JAPANESE_BADGE = "英語の原文"


def _in(client, language: str, url: str) -> str:
    client.cookies["django_language"] = language
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _korean_technology(**kwargs) -> Technology:
    return TechnologyFactory(
        title="Gene shuttle",
        title_ko="유전자 셔틀",
        summary="A vector.",
        summary_ko="벡터입니다.",
        **kwargs,
    )


# --- What readers see ----------------------------------------------------------------------


def test_catalogue_shows_the_korean_text_when_translated_and_no_badge(client):
    _korean_technology()

    content = _in(client, "ko", reverse("programs:technologies"))

    assert "유전자 셔틀" in content and "벡터입니다." in content
    assert "Gene shuttle" not in content
    assert KOREAN_BADGE not in content


def test_untranslated_text_falls_back_to_english_marked_with_lang_and_badge(client):
    TechnologyFactory(title="Cell sorter", summary="Sorts cells.")

    korean = _in(client, "ko", reverse("programs:technologies"))
    japanese = _in(client, "ja", reverse("programs:technologies"))
    english = _in(client, "en", reverse("programs:technologies"))

    assert '<span lang="en">Cell sorter</span>' in korean
    assert '<span lang="en">Sorts cells.</span>' in korean
    assert KOREAN_BADGE in korean
    assert '<span lang="en">Cell sorter</span>' in japanese and JAPANESE_BADGE in japanese
    assert "Original in English" not in english and 'lang="en">Cell sorter' not in english


def test_a_half_translated_item_is_marked_and_only_the_english_part_has_lang(client):
    technology = TechnologyFactory(title="Cell sorter", title_ja="セルソーター", summary="Sorts.")

    content = _in(client, "ja", technology.get_absolute_url())

    assert "セルソーター" in content and '<span lang="en">セルソーター' not in content
    assert '<span lang="en">Sorts.</span>' in content
    assert JAPANESE_BADGE in content


def test_challenge_board_and_detail_fall_back_per_field(client):
    challenge = ChallengeFactory(
        title="Drop-out",
        title_ko="중도 탈락",
        problem_statement="Patients leave.",
        problem_statement_ko="환자가 떠납니다.",
        expected_outcome="A model.",
        poc_terms="Six months.",
    )

    board = _in(client, "ko", reverse("programs:challenges"))
    detail = _in(client, "ko", challenge.get_absolute_url())

    assert "중도 탈락" in board and "환자가 떠납니다." in board and KOREAN_BADGE in board
    assert '<span lang="en">A model.</span>' in detail
    assert '<span lang="en">Six months.</span>' in detail
    assert "환자가 떠납니다." in detail and '<span lang="en">Patients leave.' not in detail


def test_call_page_lists_offered_items_in_the_readers_language(client):
    cycle = cycle_for(Track.JOINT_RND)
    translated = cycle.technologies.get()
    translated.title_ko = "번역된 기술"
    translated.summary_ko = "요약"
    translated.save()
    untranslated = TechnologyFactory(title="Only English")
    cycle.technologies.add(untranslated)

    content = _in(client, "ko", cycle.get_absolute_url())

    assert "번역된 기술" in content
    assert '<span lang="en">Only English</span>' in content
    assert content.count(KOREAN_BADGE) == 1


def test_search_in_korean_finds_an_item_shown_in_english(client):
    TechnologyFactory(title="Cardiomyocyte medium")
    _korean_technology()

    english_hit = _in(client, "ko", reverse("programs:technologies") + "?q=Cardiomyocyte")
    korean_hit = _in(client, "ko", reverse("programs:technologies") + "?q=셔틀")

    assert "Cardiomyocyte medium" in english_hit
    assert "유전자 셔틀" in korean_hit and "Cardiomyocyte" not in korean_hit


def test_shown_language_and_missing_languages():
    technology = _korean_technology()

    assert shown_language(technology, "title", "ko") == "ko"
    assert shown_language(technology, "title", "ja") == "en"
    assert shown_language(technology, "title", "en") == "en"
    assert missing_languages(technology) == ["ja"]


def test_demo_catalogue_is_seeded_in_three_languages():
    technologies, challenges = _seed_catalogue()

    for item in [*technologies, *challenges]:
        assert missing_languages(item) == [], item
    with translation.override("ja"):
        assert Technology.objects.get(pk=technologies[2].pk).title == "閉鎖系自動CAR-T製造カセット"
    with translation.override("ko"):
        assert (
            Challenge.objects.get(pk=challenges[0].pk).title
            == "장기 항암 임상시험의 환자 중도 탈락 예측"
        )
    assert _seed_catalogue() == (technologies, challenges)
    assert Technology.objects.count() == len(technologies)


# --- Managers keep the texts ---------------------------------------------------------------


def _manager_of(*tracks):
    return ProgramManagerFactory(programs=[program_for(track) for track in tracks]).user


def test_manager_of_joint_rnd_saves_the_korean_and_japanese_texts():
    user = _manager_of(Track.JOINT_RND)
    technology = TechnologyFactory(title="Cell sorter", summary="Sorts.")

    changed = services.catalogue_texts_update(
        item=technology,
        actor=user,
        texts={"title_en": "Cell sorter", "title_ko": "세포 분류기", "title_ja": " セルソーター "},
    )

    technology.refresh_from_db()
    assert sorted(changed) == ["title_ja", "title_ko"]
    assert (technology.title_ko, technology.title_ja) == ("세포 분류기", "セルソーター")


def test_an_emptied_translation_falls_back_to_english_again():
    user = _manager_of(Track.JOINT_RND)
    technology = _korean_technology()

    services.catalogue_texts_update(item=technology, actor=user, texts={"title_ko": "  "})

    technology.refresh_from_db()
    assert technology.title_ko is None
    assert shown_language(technology, "title", "ko") == "en"


def test_the_english_original_cannot_be_emptied():
    user = _manager_of(Track.OPEN_INNOVATION)
    challenge = ChallengeFactory(title="Drop-out")

    with pytest.raises(ValidationError) as error:
        services.catalogue_texts_update(item=challenge, actor=user, texts={"title_en": ""})

    assert "title_en" in error.value.error_dict
    challenge.refresh_from_db()
    assert challenge.title_en == "Drop-out"


@pytest.mark.parametrize(
    ("tracks", "item_kind"),
    [
        ((Track.OPEN_INNOVATION,), "technology"),
        ((Track.STARTUP_SUPPORT,), "technology"),
        ((Track.JOINT_RND,), "challenge"),
    ],
)
def test_service_refuses_managers_of_other_programs(tracks, item_kind):
    user = _manager_of(*tracks)
    item = TechnologyFactory() if item_kind == "technology" else ChallengeFactory()

    with pytest.raises(PermissionDenied):
        services.catalogue_texts_update(item=item, actor=user, texts={"title_ko": "x"})

    item.refresh_from_db()
    assert item.title_ko is None


@pytest.mark.parametrize(
    ("who", "list_status", "technology_status", "challenge_status"),
    [
        ("anonymous", 302, 302, 302),
        ("applicant", 404, 404, 404),
        ("startup_manager", 404, 404, 404),
        ("joint_rnd_manager", 200, 200, 404),
        ("open_innovation_manager", 200, 404, 200),
        ("both_manager", 200, 200, 200),
        ("inactive_manager", 404, 404, 404),
    ],
)
def test_catalogue_pages_permission_truth_table(
    client, who, list_status, technology_status, challenge_status
):
    users = {
        "applicant": lambda: UserFactory(),
        "startup_manager": lambda: _manager_of(Track.STARTUP_SUPPORT),
        "joint_rnd_manager": lambda: _manager_of(Track.JOINT_RND),
        "open_innovation_manager": lambda: _manager_of(Track.OPEN_INNOVATION),
        "both_manager": lambda: _manager_of(Track.JOINT_RND, Track.OPEN_INNOVATION),
        "inactive_manager": lambda: ProgramManagerFactory(is_active=False).user,
    }
    if who in users:
        client.force_login(users[who]())
    technology, challenge = TechnologyFactory(), ChallengeFactory()
    technology_url = reverse("programs:catalogue_edit", args=["technology", technology.pk])
    challenge_url = reverse("programs:catalogue_edit", args=["challenge", challenge.pk])

    assert client.get(reverse("programs:catalogue_manage")).status_code == list_status
    assert client.get(technology_url).status_code == technology_status
    assert client.get(challenge_url).status_code == challenge_status
    response = client.post(challenge_url, {"title_en": "T", "problem_statement_en": "P"})
    assert response.status_code in {302, 400, 404}
    challenge.refresh_from_db()
    assert challenge.title_en != "T" or challenge_status == 200


def test_manager_edits_the_texts_in_the_portal(client):
    client.force_login(_manager_of(Track.JOINT_RND))
    technology = TechnologyFactory(title="Cell sorter", summary="Sorts.")
    url = reverse("programs:catalogue_edit", args=["technology", technology.pk])

    listing = client.get(reverse("programs:catalogue_manage")).content.decode()
    form = client.get(url).content.decode()
    response = client.post(
        url,
        {
            "title_en": "Cell sorter",
            "title_ko": "세포 분류기",
            "title_ja": "セルソーター",
            "summary_en": "Sorts.",
            "summary_ko": "분류합니다.",
            "summary_ja": "",
        },
    )

    assert url in listing and "Cell sorter" in listing
    assert 'name="title_ko"' in form and 'lang="ko"' in form
    assert response.status_code == 302
    assert response["Location"] == reverse("programs:catalogue_manage") + "?kind=technology"
    technology.refresh_from_db()
    assert (technology.title_ko, technology.summary_ko, technology.summary_ja) == (
        "세포 분류기",
        "분류합니다.",
        None,
    )
    assert missing_languages(technology) == ["ja"]


def test_manager_is_told_when_the_english_original_is_missing(client):
    client.force_login(_manager_of(Track.JOINT_RND))
    technology = TechnologyFactory(title="Cell sorter")
    url = reverse("programs:catalogue_edit", args=["technology", technology.pk])

    response = client.post(url, {"title_en": "", "summary_en": "S", "title_ko": "제목"})

    assert response.status_code == 400
    technology.refresh_from_db()
    assert technology.title_en == "Cell sorter" and technology.title_ko is None


def test_manager_hub_links_to_the_catalogue_only_for_its_keepers(client):
    client.force_login(_manager_of(Track.STARTUP_SUPPORT))
    startup = client.get(reverse("reviews:manage_cycles")).content.decode()
    client.force_login(_manager_of(Track.OPEN_INNOVATION))
    open_innovation = client.get(reverse("reviews:manage_cycles")).content.decode()

    assert 'id="catalogue-texts"' not in startup
    assert 'id="catalogue-texts"' in open_innovation


def test_wizard_choice_cards_show_the_translation_or_the_marked_original(client, applicant):
    from tests.factories import draft_application

    application = draft_application(user=applicant, track=Track.OPEN_INNOVATION)
    challenge = application.cycle.challenges.get()
    challenge.title_ja = "課題の日本語名"
    challenge.save()
    client.force_login(applicant)

    content = _in(
        client,
        "ja",
        reverse("applications:edit", kwargs={"pk": application.pk, "step": "track"}),
    )

    assert "課題の日本語名" in content
    assert f'<span lang="en">{challenge.problem_statement_en}</span>' in content
    assert JAPANESE_BADGE in content


def test_the_chosen_technology_in_the_answers_is_marked_when_untranslated(client, applicant):
    from applications import services as application_services
    from tests.factories import draft_application

    application = draft_application(user=applicant, track=Track.JOINT_RND)
    technology = application.cycle.technologies.get()
    application_services.application_update(
        application=application,
        actor=applicant,
        data={"technology": technology},
        expected_version=1,
    )
    client.force_login(applicant)

    content = _in(
        client,
        "ko",
        reverse("applications:edit", kwargs={"pk": application.pk, "step": "review"}),
    )

    assert f'<span lang="en">{technology.title_en}</span>' in content
    assert KOREAN_BADGE in content
