"""Private files in the Django admin: the change pages of a library item with a file, a progress photo and a
meeting material open; files uploaded there pass the app's own content checks and get a generated name; a
library file gone from the disk answers 404 as photos and materials do."""

import io
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from circular_cities.uploads import clean_image
from community.models import LibraryItem, Visibility
from municipalities.models import ProgressPhoto
from tests.community.factories import PDF_BYTES, LibraryItemFactory, with_file
from tests.factories import AdminFactory, ProgrammeFactory, facilitator_of
from tests.municipalities.factories_local import ProgressEntryFactory
from tests.workshops.factories import MeetingFactory
from workshops import services as workshop_services
from workshops.models import Material

pytestmark = pytest.mark.django_db

GENERATED = re.compile(r"[0-9a-f]{32}\.(pdf|jpg|png|webp|docx|xlsx|pptx)$")
FORGED_JPEG = b"<html><script>alert(1)</script></html>"  # HTML with an image's name and type


def _jpeg(size=(40, 30), color=(30, 120, 60)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "JPEG")
    return out.getvalue()


def _photo() -> ProgressPhoto:
    cleaned = clean_image(SimpleUploadedFile("garden.jpg", _jpeg(), content_type="image/jpeg"))
    photo = ProgressPhoto(entry=ProgressEntryFactory(), content_type=cleaned.content_type, width=cleaned.width,
                          height=cleaned.height, caption="Haven i Ærøskøbing")
    photo.image.save(cleaned.image.name, cleaned.image, save=False)
    photo.thumbnail.save(cleaned.thumbnail.name, cleaned.thumbnail, save=False)
    photo.save()
    return photo


def _material() -> Material:
    meeting = MeetingFactory(programme=ProgrammeFactory())
    return workshop_services.material_add(
        meeting=meeting, by=facilitator_of(meeting.programme), title="Dagsorden",
        upload=SimpleUploadedFile("dagsorden for mødet.pdf", PDF_BYTES, content_type="application/pdf"))


def _change_url(obj) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def _stored_files() -> set[str]:
    root = Path(settings.MEDIA_ROOT)
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()} if root.exists() else set()


@pytest.fixture
def admin_client(client):
    client.force_login(AdminFactory())
    return client


def test_change_pages_with_private_files_open_and_link_the_permission_checked_views(admin_client):
    item = with_file(LibraryItemFactory(visibility=Visibility.COMMUNITY))
    photo = _photo()
    material = _material()
    for obj, download in ((item, reverse("community:item-file", args=[item.pk])),
                          (photo, reverse("municipalities:photo", args=[photo.pk])),
                          (material, reverse("workshops:material-download", args=[material.pk]))):
        response = admin_client.get(_change_url(obj))
        assert response.status_code == 200, obj._meta.label
        page = response.content.decode()
        assert f'href="{download}"' in page, obj._meta.label
        assert admin_client.get(download).status_code == 200, download  # the link opens the file for the admin
    thumbnail = reverse("municipalities:photo-thumbnail", args=[photo.pk])
    assert f'href="{thumbnail}"' in admin_client.get(_change_url(photo)).content.decode()


def test_admin_hides_and_edits_a_library_item_with_a_file(admin_client):
    item = with_file(LibraryItemFactory(visibility=Visibility.COMMUNITY, title_da="Materialebank"))
    stored = item.attachment.name
    page = admin_client.get(_change_url(item))
    form = page.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "attachment"}
    data.update({"title_da": "Materialebank i Århus", "hidden_at_0": "2024-01-31", "hidden_at_1": "10:00:00",
                 "published_at_0": "2024-01-01", "published_at_1": "09:00:00", "sdgs": "[]",
                 "adoptions-TOTAL_FORMS": "0", "adoptions-INITIAL_FORMS": "0"})
    data = {key: value for key, value in data.items() if key not in ("hidden_at", "published_at")}
    response = admin_client.post(_change_url(item), data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    item.refresh_from_db()
    assert item.title_da == "Materialebank i Århus" and item.hidden_at is not None
    assert item.attachment.name == stored  # an edit without a new file keeps the file


def _post_library_item(client, item, upload):
    page = client.get(_change_url(item))
    form = page.context["adminform"].form
    data = {name: value for name, value in form.initial.items()
            if value is not None and name not in ("attachment", "hidden_at", "published_at")}
    data.update({"sdgs": "[]", "adoptions-TOTAL_FORMS": "0", "adoptions-INITIAL_FORMS": "0",
                 "published_at_0": "2024-01-01", "published_at_1": "09:00:00", "attachment": upload})
    return client.post(_change_url(item), data)


@pytest.mark.parametrize("name, content, content_type", [
    ("holiday.jpg", FORGED_JPEG, "image/jpeg"),
    ("report.pdf", b"MZ\x90\x00 a program, not a PDF", "application/pdf"),
    ("notes.txt", "Noter om genbrug æøå".encode(), "text/plain"),
])
def test_admin_upload_of_a_forged_or_unaccepted_library_file_is_refused_with_a_message(admin_client, name, content,
                                                                                     content_type):
    item = with_file(LibraryItemFactory(visibility=Visibility.COMMUNITY))
    before = _stored_files()
    response = _post_library_item(admin_client, item, SimpleUploadedFile(name, content, content_type=content_type))
    assert response.status_code == 200  # the form again
    errors = response.context["adminform"].form.errors["attachment"]
    assert any("not accepted" in error for error in errors), errors
    assert "not accepted" in response.content.decode()
    item.refresh_from_db()
    assert item.attachment_type == "application/pdf"  # unchanged
    assert _stored_files() == before  # nothing written


def test_admin_upload_of_a_good_file_is_checked_and_stored_under_a_generated_name(admin_client,
                                                                                django_capture_on_commit_callbacks):
    item = with_file(LibraryItemFactory(visibility=Visibility.COMMUNITY))
    old = item.attachment.name
    with django_capture_on_commit_callbacks(execute=True):
        response = _post_library_item(admin_client, item, SimpleUploadedFile(
            "Borgermøde i Ærøskøbing.jpg", _jpeg(), content_type="image/jpeg"))
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.attachment.name.startswith("community/library/")
    assert GENERATED.search(item.attachment.name), item.attachment.name
    assert "Ærø" not in item.attachment.name and "Borger" not in item.attachment.name
    assert item.attachment_type == "image/jpeg" and item.attachment_size == item.attachment.size
    assert not item.attachment.storage.exists(old)  # the replaced file is gone


def test_admin_replaces_a_photo_only_with_a_real_image(admin_client, django_capture_on_commit_callbacks):
    photo = _photo()
    old_image = photo.image.name
    data = {"entry": photo.entry_id, "caption": photo.caption}
    refused = admin_client.post(_change_url(photo), {
        **data, "replace_image": SimpleUploadedFile("photo.jpg", FORGED_JPEG, content_type="image/jpeg")})
    assert refused.status_code == 200
    assert "not a photo we can use" in " ".join(refused.context["adminform"].form.errors["replace_image"])
    photo.refresh_from_db()
    assert photo.image.name == old_image

    with django_capture_on_commit_callbacks(execute=True):
        accepted = admin_client.post(_change_url(photo), {
            **data, "caption": "Ny billedtekst",
            "replace_image": SimpleUploadedFile("IMG_0042.JPG", _jpeg((80, 40)), content_type="image/jpeg")})
    assert accepted.status_code == 302
    photo.refresh_from_db()
    assert photo.caption == "Ny billedtekst"
    assert GENERATED.search(photo.image.name) and GENERATED.search(photo.thumbnail.name)
    assert "IMG_0042" not in photo.image.name
    assert (photo.width, photo.height) == (80, 40)
    assert not photo.image.storage.exists(old_image)


def test_admin_replaces_a_material_only_with_an_accepted_file(admin_client, django_capture_on_commit_callbacks):
    material = _material()
    old = material.file.name
    data = {"meeting": material.meeting_id, "title": "Dagsorden, rettet", "uploaded_by": ""}
    refused = admin_client.post(_change_url(material), {
        **data, "replace_file": SimpleUploadedFile("plan.pdf", FORGED_JPEG, content_type="application/pdf")})
    assert refused.status_code == 200
    assert refused.context["adminform"].form.errors["replace_file"]
    material.refresh_from_db()
    assert material.file.name == old and material.title == "Dagsorden"

    with django_capture_on_commit_callbacks(execute=True):
        accepted = admin_client.post(_change_url(material), {
            **data, "replace_file": SimpleUploadedFile("Plan for Århus.pdf", PDF_BYTES,
                                                       content_type="application/pdf")})
    assert accepted.status_code == 302
    material.refresh_from_db()
    assert material.title == "Dagsorden, rettet"
    assert GENERATED.search(material.file.name) and material.original_name == "Plan for Århus.pdf"
    assert not material.file.storage.exists(old)


def test_a_library_file_missing_from_the_disk_answers_404(client, admin_client):
    item = with_file(LibraryItemFactory(visibility=Visibility.PUBLIC))
    url = reverse("community:item-file", args=[item.pk])
    assert client.get(url).status_code == 200
    item.attachment.storage.delete(item.attachment.name)
    assert client.get(url).status_code == 404
    # and the admin says so instead of failing
    page = admin_client.get(_change_url(item))
    assert page.status_code == 200
    assert "missing from the disk" in page.content.decode()


def test_library_item_model_keeps_no_public_url():
    item = LibraryItem(attachment="community/library/x.pdf")
    with pytest.raises(ValueError):
        item.attachment.url  # noqa: B018  (private files have no URL; the admin does not ask for one)
