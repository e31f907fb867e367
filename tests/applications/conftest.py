import pytest


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Uploaded documents go to a temporary MEDIA_ROOT for each test."""
    settings.MEDIA_ROOT = tmp_path / "media"
