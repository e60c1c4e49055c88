"""A real Stripe-compatible server for the tests (localstripe on 127.0.0.1) and Stripe's webhook signing."""

import hashlib
import hmac
import json
import socket
import subprocess
import sys
import time

import pytest

# localstripe's own entry point listens on every interface and pickles its state to a shared /tmp file;
# this launcher keeps it on loopback and in memory.
LAUNCHER = """
import sys
from aiohttp import web
from localstripe import resources, server
resources.store.dump_to_disk = lambda: None
# localstripe speaks an API version from before 2026-09-30, when allowed_payment_method_types replaced
# payment_method_types on PaymentIntent create: accept the current name.
_intent_init = resources.PaymentIntent.__init__
def _current_api_intent_init(self, allowed_payment_method_types=None, **kwargs):
    if allowed_payment_method_types is not None:
        kwargs["payment_method_types"] = allowed_payment_method_types
    _intent_init(self, **kwargs)
resources.PaymentIntent.__init__ = _current_api_intent_init
web.run_app(server.app, host="127.0.0.1", port=int(sys.argv[1]), print=None, access_log=None)
"""
WEBHOOK_SECRET = "whsec_test_ocop_marketplace"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def _localstripe_server():
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-c", LAUNCHER, str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 15
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"localstripe did not start: {process.stderr.read().decode()[-500:]}")
            time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.fixture
def localstripe(_localstripe_server, settings):
    """Stripe settings pointing at a running localstripe; yields its base URL."""
    settings.STRIPE_API_BASE = _localstripe_server
    settings.STRIPE_SECRET_KEY = "sk_test_localstripe"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_localstripe"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    return _localstripe_server


def stripe_signature(payload: bytes, *, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    """The Stripe-Signature header Stripe sends: HMAC-SHA256 over "<timestamp>.<raw body>"."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def stripe_event(event_type: str, obj: dict, *, event_id: str = "evt_test_1") -> bytes:
    return json.dumps(
        {
            "id": event_id,
            "object": "event",
            "type": event_type,
            "created": int(time.time()),
            "data": {"object": obj},
        }
    ).encode()


def pay_with_test_card(client, payment_intent_id: str):
    """What Stripe.js does in the shopper's browser: attach a card and confirm. Returns the intent."""
    card = {"number": "4242424242424242", "exp_month": 12, "exp_year": 2030, "cvc": "123"}
    method = client.v1.payment_methods.create(params={"type": "card", "card": card})
    client.v1.payment_intents.update(payment_intent_id, params={"payment_method": method.id})
    return client.v1.payment_intents.confirm(payment_intent_id)


def deliver_stripe_event(client, event_type: str, obj: dict, *, event_id: str):
    """POST a signed Stripe event to our webhook, as Stripe delivers it."""
    payload = stripe_event(event_type, obj, event_id=event_id)
    return client.post(
        "/payments/stripe/webhook/",
        payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=stripe_signature(payload),
    )
