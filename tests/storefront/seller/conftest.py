import pytest


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    # Uploaded files land in a per-test directory, never in the developer's .data/media.
    settings.MEDIA_ROOT = tmp_path / "media"
