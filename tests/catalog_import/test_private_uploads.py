"""Uploaded decision files: stored under random names in the private storage (never under MEDIA_ROOT or
MEDIA_URL), downloaded only by staff allowed to view imports, as an attachment under the sanitised original
name. The data migration moves files uploaded before into it."""

import importlib
import re

import pytest
from django.apps import apps
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from catalog_import.models import ImportRun
from marketplace.core.storage import download_name
from tests.catalog_import import decision_files as df
from tests.catalog_import.test_import_decision import days_ago, songma_rows, songma_title
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db
UPLOAD = "/admin/catalog_import/importrun/upload/"
ORIGINAL = 'Quyết định "số 12" của UBND.csv'


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def uploaded(staff_client, files, media) -> tuple[ImportRun, bytes]:
    path = df.write_csv(files / "x.csv", df.HEADER, songma_rows(), title=songma_title(days_ago(50)))
    content = path.read_bytes()
    response = staff_client.post(UPLOAD, {"file": SimpleUploadedFile(ORIGINAL, content)})
    assert response.status_code == 200
    return ImportRun.objects.get(), content


def _tree(folder) -> list[str]:
    return (
        sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())
        if folder.exists()
        else []
    )


def test_an_upload_is_stored_privately_under_a_random_name(uploaded, private_files, media):
    run, content = uploaded
    assert re.fullmatch(r"decisions/[0-9a-f]{32}\.csv", run.upload.name), run.upload.name
    assert run.filename == ORIGINAL
    assert _tree(private_files) == [run.upload.name]
    assert (private_files / run.upload.name).read_bytes() == content
    assert _tree(media) == []  # nothing under the public media folder
    with pytest.raises(ValueError, match="no public URL"):
        _ = run.upload.url


def test_the_media_url_does_not_serve_it(uploaded, client, settings):
    run, _ = uploaded
    assert client.get(f"{settings.MEDIA_URL}{run.upload.name}").status_code == 404
    assert client.get(f"{settings.MEDIA_URL}decisions/{ORIGINAL}").status_code == 404


def test_staff_who_may_view_imports_download_it_as_an_attachment(uploaded):
    run, content = uploaded
    viewer = StaffFactory()
    viewer.user_permissions.add(Permission.objects.get(codename="view_importrun"))
    client = Client()
    client.force_login(viewer)
    change_page = client.get(f"/admin/catalog_import/importrun/{run.pk}/change/").content.decode()
    url = f"/admin/catalog_import/importrun/{run.pk}/file/"
    assert f'href="{url}"' in change_page
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''Quy%E1%BA%BFt_%C4%91%E1%BB%8Bnh_s%E1%BB%91_12_c%E1%BB%A7a_UBND.csv"
    )


def test_nobody_else_gets_the_file(uploaded, shopper_client, client):
    run, _ = uploaded
    url = f"/admin/catalog_import/importrun/{run.pk}/file/"
    assert client.get(url).status_code == 302  # anonymous: to the admin login
    assert shopper_client.get(url).status_code == 302  # not staff: the same
    staff_without_permission = Client()
    staff_without_permission.force_login(StaffFactory())
    assert staff_without_permission.get(url).status_code == 403


@pytest.mark.parametrize(
    ("original", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\windows\\win.ini", "win.ini"),
        ('a"b\r\nSet-Cookie: x=1.csv', "abSet-Cookie_x1.csv"),
        ("Danh sách OCOP 2026.xlsx", "Danh_sách_OCOP_2026.xlsx"),
        ("..", "decision-7.csv"),
        ("\x00\x1f", "decision-7.csv"),
        ("x" * 400 + ".pdf", "x" * 146 + ".pdf"),
    ],
)
def test_download_names_are_sanitised(original, expected):
    assert download_name(original, fallback="decision-7.csv") == expected


def test_the_migration_moves_earlier_uploads_into_the_private_storage(private_files, media):
    migration = importlib.import_module(
        "catalog_import.migrations.0004_move_decision_uploads_to_private_storage"
    )
    public, private = storages["default"], storages["private"]
    old_name = public.save("decisions/Quyết định 12.csv", ContentFile(b"so,ten\n"))
    run = ImportRun.objects.create(filename="Quyết định 12.csv", checksum="0" * 64, upload=old_name)

    migration.to_private(apps, None)

    run.refresh_from_db()
    assert re.fullmatch(r"decisions/[0-9a-f]{32}\.csv", run.upload.name)
    assert private.open(run.upload.name).read() == b"so,ten\n"
    assert _tree(media) == []
    migration.to_private(apps, None)  # a second run finds nothing left to move
    assert _tree(private_files) == [run.upload.name]

    migration.to_public(apps, None)

    run.refresh_from_db()
    assert public.open(run.upload.name).read() == b"so,ten\n"
    assert _tree(private_files) == []


@pytest.mark.parametrize(
    ("original", "suffix"),
    [
        ("Quyết định.XLSX", ".xlsx"),
        ("scan.tiff", ".tiff"),
        ("noext", ""),
        ("x.p d f", ""),
        ("a.<script>", ""),
    ],
)
def test_random_names_keep_only_a_short_plain_suffix(original, suffix):
    from catalog_import.models import decision_upload_name

    name = decision_upload_name(None, original)
    assert re.fullmatch(r"decisions/[0-9a-f]{32}" + re.escape(suffix), name), name
