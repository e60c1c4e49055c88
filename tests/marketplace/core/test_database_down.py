"""With the database unreachable, pages answer 503 in the site layout, GraphQL answers a JSON error with
status 503, the probes answer 503, and no answer shows the connection string, socket path or a traceback."""

import pytest
from django.db import connection
from django.test import Client

from marketplace.core.middleware import RETRY_AFTER_SECONDS

MAINTENANCE = "Hệ thống đang bảo trì, vui lòng thử lại sau ít phút."


@pytest.fixture(params=[False, True], ids=["production", "debug"])
def database_down(request, django_db_blocker, tmp_path, settings):
    """The default connection pointed at a socket directory where no server listens (DEBUG on and off: the
    debug error page is where a socket path would leak)."""
    settings.DEBUG = request.param
    nowhere = tmp_path / "no-postgres-here"
    with django_db_blocker.unblock():
        connection.close()
        saved = connection.settings_dict["HOST"]
        connection.settings_dict["HOST"] = str(nowhere)
        try:
            yield str(nowhere)
        finally:
            connection.close()
            connection.settings_dict["HOST"] = saved


def _assert_no_internals(body: str, nowhere: str) -> None:
    for leak in (nowhere, "s.PGSQL", "postgresql://", "Traceback", "OperationalError", "psycopg"):
        assert leak not in body, leak


@pytest.mark.parametrize("path", ["/", "/products/", "/search/?q=tra", "/products/ca-phe-son-la/"])
def test_pages_answer_503_in_the_site_layout(database_down, path):
    client = Client(raise_request_exception=False)
    response = client.get(path)
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    body = response.content.decode()
    assert 'data-error-page="503"' in body
    assert 'class="site-header"' in body
    assert MAINTENANCE in body
    _assert_no_internals(body, database_down)


def test_a_signed_in_shopper_gets_the_same_page(database_down):
    client = Client(raise_request_exception=False)
    client.cookies["sessionid"] = "a" * 32  # the session lookup is the first query
    response = client.get("/account/")
    assert response.status_code == 503
    _assert_no_internals(response.content.decode(), database_down)


@pytest.mark.parametrize(
    "query",
    [
        '{ products(first: 2, channel: "default-channel") { edges { node { name } } } }',
        'mutation { tokenCreate(email: "a@example.vn", password: "x") { token errors { message } } }',
        'mutation { checkoutCreate(input: {channel: "default-channel", lines: []}) { errors { message } } }',
    ],
    ids=["query", "token", "checkout"],
)
def test_graphql_answers_a_json_error_with_status_503(database_down, query):
    client = Client(raise_request_exception=False)
    response = client.post("/graphql/", {"query": query}, content_type="application/json")
    assert response.status_code == 503
    assert response.json() == {
        "errors": [
            {"message": MAINTENANCE, "extensions": {"exception": {"code": "ServiceUnavailable"}}},
        ]
    }
    _assert_no_internals(response.content.decode(), database_down)


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_probes_answer_503(database_down, path):
    response = Client(raise_request_exception=False).get(path)
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "OperationalError"}
    _assert_no_internals(response.json()["status"], database_down)


@pytest.mark.django_db
def test_a_cancelled_statement_is_not_taken_for_a_database_outage():
    from django.db import OperationalError, transaction

    from marketplace.core.middleware import is_database_unavailable

    with pytest.raises(OperationalError) as cancelled, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = 10")
        cursor.execute("SELECT pg_sleep(1)")
    assert cancelled.value.__cause__.sqlstate == "57014"
    assert not is_database_unavailable(cancelled.value)


def test_an_upload_sized_post_with_a_session_gets_the_maintenance_page(database_down):
    """The body-size check looks the session up before any view: the outage still answers 503."""
    client = Client(raise_request_exception=False)
    client.cookies["sessionid"] = "a" * 32
    response = client.post(
        "/admin/catalog_import/importrun/upload/",
        data=b"x",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(2 * 1024 * 1024),
    )
    assert response.status_code == 503
    assert MAINTENANCE in response.content.decode()
    _assert_no_internals(response.content.decode(), database_down)
