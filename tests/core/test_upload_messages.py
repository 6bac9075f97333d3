"""A damaged photo and a decompression bomb are each told what is wrong with them, in Danish and English."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from PIL import Image

from circular_cities.uploads import clean_file, clean_image
from tests.core.test_uploads import image_bytes, upload


def _bomb() -> bytes:
    out = io.BytesIO()
    Image.new("1", (20_000, 20_000)).save(out, "PNG")  # a small file, 400 million pixels
    return out.getvalue()


@pytest.mark.parametrize(("language", "expected"), [
    ("da", "JPEG-billedet er beskadiget eller afskåret"),
    ("en", "The JPEG image is damaged or cut off"),
])
def test_a_truncated_jpeg_is_told_it_is_cut_off(language, expected):
    data = image_bytes(size=(800, 600), color=(10, 120, 40))
    with translation.override(language), pytest.raises(ValidationError) as refused:
        clean_image(upload(data[: len(data) // 2]))
    assert refused.value.code == "damaged_image"
    assert expected in " ".join(refused.value.messages)


@pytest.mark.parametrize(("language", "expected"), [
    ("da", "dekompressionsbombe"),
    ("en", "decompression bomb"),
])
def test_a_decompression_bomb_is_told_what_it_is(language, expected):
    with translation.override(language), pytest.raises(ValidationError) as refused:
        clean_image(upload(_bomb(), name="bomb.png", content_type="image/png"))
    assert refused.value.code == "decompression_bomb"
    assert expected in " ".join(refused.value.messages)
    assert "40" in " ".join(refused.value.messages)  # the limit, in million pixels


def test_clean_file_passes_the_specific_message_on():
    data = image_bytes(fmt="PNG", size=(800, 600))
    with pytest.raises(ValidationError) as refused:
        clean_file(upload(data[: len(data) // 2], name="kort.png", content_type="image/png"))
    assert refused.value.code == "damaged_image"
    with pytest.raises(ValidationError) as bomb:
        clean_file(upload(_bomb(), name="bomb.png", content_type="image/png"))
    assert bomb.value.code == "decompression_bomb"
