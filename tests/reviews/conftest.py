"""Fixtures shared by the reviews tests (pytest finds them; nothing to import).

A module that needs another call or application defines its own ``cycle`` or
``application``, which takes precedence over these.
"""

import pytest

from tests.factories import ProgramManagerFactory
from tests.support.reviewing import review_cycle, under_review


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """Uploaded documents go to a temporary MEDIA_ROOT, never to the project's."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def cycle():
    """A joint call in the review phase with its two-criterion rubric."""
    return review_cycle()


@pytest.fixture
def boss(cycle):
    """An MSS manager of the cycle's program."""
    return ProgramManagerFactory(programs=[cycle.program]).user


@pytest.fixture
def application(cycle):
    """A screened-in application under review in ``cycle``."""
    return under_review(cycle)
