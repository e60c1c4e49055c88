"""Bodies over the configured size are refused from their Content-Length, before anything parses them
(the live-socket version, with a gunicorn worker and its temporary directory, is in tests/deploy/)."""

import json

import pytest
from django.conf import settings

from marketplace.accounts.models import User
from marketplace.core.middleware import body_limit_for

HUGE = str(500 * 1024 * 1024)
BOUNDARY = "----ocop"


def _multipart(client, path: str, *, length: str, **extra):
    body = f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="email"\r\n\r\nx@example.vn\r\n'.encode()
    return client.post(
        path,
        data=body,
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
        CONTENT_LENGTH=length,
        HTTP_COOKIE="csrftoken=made-up-token-made-up-token-made-up-1",
        **extra,
    )


@pytest.mark.django_db
def test_an_oversized_form_post_is_refused_with_a_page_in_the_site_layout(client):
    users = User.objects.count()
    response = _multipart(client, "/account/register/", length=HUGE)
    assert response.status_code == 413
    html = response.content.decode()
    assert 'data-error-page="413"' in html
    assert 'class="site-header"' in html  # the storefront layout, not a bare error
    assert "Nội dung gửi lên quá lớn (tối đa 1 MB)." in html
    assert User.objects.count() == users


@pytest.mark.parametrize("path", ["/graphql/", "/payments/stripe/webhook/"])
def test_api_and_webhook_refusals_are_json(client, path):
    response = client.post(path, data=b"{}", content_type="application/json", CONTENT_LENGTH=HUGE)
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "errors": [
            {
                "message": "Nội dung gửi lên quá lớn (tối đa 1 MB).",
                "extensions": {"exception": {"code": "RequestTooLarge"}},
            }
        ]
    }


def test_a_body_just_at_the_limit_reaches_the_view(client):
    payload = json.dumps({"query": "{ __typename }"}).encode()
    payload += b" " * (settings.MAX_REQUEST_BODY_BYTES - len(payload))
    response = client.post("/graphql/", data=payload, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["data"] == {"__typename": "Query"}
    over = client.post("/graphql/", data=payload + b" ", content_type="application/json")
    assert over.status_code == 413


def test_a_chunked_body_without_a_length_is_refused(client):
    response = client.post(
        "/graphql/",
        data=b"",
        content_type="application/json",
        CONTENT_LENGTH="",
        HTTP_TRANSFER_ENCODING="chunked",
    )
    assert response.status_code == 411
    assert response.json()["errors"][0]["extensions"]["exception"]["code"] == "LengthRequired"


def test_a_negative_length_is_a_bad_request(client):
    response = client.post("/account/login/", data=b"", content_type="text/plain", CONTENT_LENGTH="-5")
    assert response.status_code == 400
    assert 'data-error-page="400"' in response.content.decode()


def test_upload_forms_get_the_limits_of_their_files():
    mb = 1024 * 1024
    assert body_limit_for("/account/login/") == settings.MAX_REQUEST_BODY_BYTES == mb
    assert body_limit_for("/graphql/") == mb
    assert body_limit_for("/admin/catalog_import/importrun/upload/") == settings.IMPORT_MAX_FILE_BYTES + mb
    images = 2 * settings.IMAGE_UPLOAD_MAX_BYTES
    for path in (
        "/seller/htx-ca-phe/products/12/images/new/",
        "/seller/htx-ca-phe/profile/logo/",
        "/seller/htx-ca-phe/profile/photos/new/",
        "/seller/htx-ca-phe/claim/3/",
    ):
        assert body_limit_for(path) == images, path
    assert (
        body_limit_for("/admin/catalog/product/7/change/")
        == settings.PRODUCT_MAX_IMAGES * settings.IMAGE_UPLOAD_MAX_BYTES + mb
    )
    # Other seller and admin pages only carry form fields.
    assert body_limit_for("/seller/htx-ca-phe/products/12/") == mb
    assert body_limit_for("/admin/login/") == mb


def test_django_parses_no_more_than_the_limits():
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == settings.MAX_REQUEST_BODY_BYTES
    assert settings.FILE_UPLOAD_MAX_NUMBER_FILES == settings.PRODUCT_MAX_IMAGES + 10
    assert settings.MIDDLEWARE[0] == "marketplace.core.middleware.RequestBodyLimitMiddleware"
    auth = settings.MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware")
    assert settings.MIDDLEWARE[auth + 1] == "marketplace.core.middleware.AnonymousBodyLimitMiddleware"


@pytest.mark.django_db
def test_upload_sized_bodies_are_for_signed_in_users_only(client):
    """Anonymous: the upload form's path keeps the small limit, so nothing big is parsed (CSRF would read it
    to find its token) before the sign-in redirect."""
    response = _multipart(client, "/admin/catalog_import/importrun/upload/", length=str(2 * 1024 * 1024))
    assert response.status_code == 413
    assert "tối đa 1 MB" in response.content.decode()


@pytest.mark.django_db
def test_staff_upload_a_file_bigger_than_the_default_limit(staff_client, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from catalog_import.models import ImportRun

    settings.PRIVATE_MEDIA_ROOT = tmp_path
    junk = b"a,b\n" * (400 * 1024)  # 1.6 MB: over MAX_REQUEST_BODY_BYTES, under the upload form's limit
    response = staff_client.post(
        "/admin/catalog_import/importrun/upload/", {"file": SimpleUploadedFile("big.csv", junk)}
    )
    assert response.status_code == 200
    assert ImportRun.objects.get().filename == "big.csv"
