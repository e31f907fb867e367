import pytest
from django.utils import translation

from programs.enums import Track
from programs.models import Program

pytestmark = pytest.mark.django_db


def test_data_migration_creates_the_three_programs():
    programs = {p.track: p for p in Program.objects.all()}

    assert set(programs) == set(Track.values)
    assert programs[Track.OPEN_INNOVATION].slug == "open-innovation"
    assert "iPark" in programs[Track.STARTUP_SUPPORT].description


@pytest.mark.parametrize(
    ("language", "name"),
    [
        ("en", "Korea–Japan Joint R&D"),
        ("ko", "한일 공동 R&D"),
        ("ja", "日韓共同研究開発"),
    ],
)
def test_program_names_exist_in_every_language(language, name):
    with translation.override(language):
        assert Program.objects.get(track=Track.JOINT_RND).name == name
