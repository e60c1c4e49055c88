"""GraphiQL (DEBUG only) loads every asset from our own static files and runs a query in Chromium."""

from urllib.parse import urlparse

import pytest

from tests.factories import visible_product


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_graphiql_runs_offline_from_local_assets(page, screenshot, settings):
    settings.DEBUG = True
    visible_product(name="Trà Shan tuyết cổ thụ", slug="tra-shan-tuyet")
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    refused = []  # Chromium logs every script or style the Content-Security-Policy blocks
    page.on("console", lambda m: "Content Security Policy" in m.text and refused.append(m.text))
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(page.base_url + "/graphql/")
    page.locator(".graphiql-container").wait_for()
    page.locator(".graphiql-execute-button").click()
    page.locator(".result-window").get_by_text("Trà Shan tuyết cổ thụ").wait_for()
    screenshot(page, "graphiql")
    live_host = urlparse(page.base_url).netloc
    foreign = [url for url in requested if not url.startswith("data:") and urlparse(url).netloc != live_host]
    assert foreign == []
    assert refused == []
    assert any(url.endswith("/static/graphiql/graphiql.min.js") for url in requested)


@pytest.mark.django_db
def test_graphiql_is_not_served_outside_debug(client, settings):
    settings.DEBUG = False
    response = client.get("/graphql/", HTTP_ACCEPT="text/html")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
