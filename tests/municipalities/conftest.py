import pytest


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Progress photos go to a throwaway directory."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
