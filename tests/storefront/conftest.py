import pytest
from django.test import Client

from tests.csp import assert_csp_clean


@pytest.fixture(autouse=True)
def _every_page_obeys_the_csp(monkeypatch):
    """Every HTML page any storefront test fetches sends our CSP and has no inline script or style."""
    request = Client.request

    def checked(self, **kwargs):
        response = request(self, **kwargs)
        if response.get("Content-Type", "").startswith("text/html") and not 300 <= response.status_code < 400:
            assert_csp_clean(response, f"{kwargs.get('REQUEST_METHOD')} {kwargs.get('PATH_INFO')}")
        return response

    monkeypatch.setattr(Client, "request", checked)


@pytest.fixture
def page(page):
    """The browser page, failing the test when Chromium reports anything the CSP blocked."""
    page.csp_refused = []

    def on_console(message) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            page.csp_refused.append(message.text)

    page.on("console", on_console)
    yield page
    assert page.csp_refused == []
