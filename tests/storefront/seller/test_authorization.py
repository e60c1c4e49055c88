"""Every portal URL and form × anonymous, shopper, producer A, producer B on A's objects, staff."""

import dataclasses
import itertools
from collections.abc import Callable

import pytest
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse

from tests.factories.portal import png_upload
from tests.storefront.seller.world import World, build_world, snapshot


@dataclasses.dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    kwargs: Callable[[World], dict]  # URL kwargs other than the producer slug
    data: Callable[[World], dict] = lambda w: {}
    ok: int = 200  # producer A's status on its own objects (302 after a successful POST)


def _variant(w):
    return {"pk": w.product.pk, "variant_pk": w.variant.pk}


ENDPOINTS = [
    Endpoint("dashboard", "get", lambda w: {}),
    Endpoint("product_list", "get", lambda w: {}),
    Endpoint("product_create", "get", lambda w: {}),
    Endpoint(
        "product_create",
        "post",
        lambda w: {},
        lambda w: {"name": "Mật ong mới", "category": w.product.category_id, "description": "<p>x</p>"},
        302,
    ),
    Endpoint("product_edit", "get", lambda w: {"pk": w.product.pk}),
    Endpoint(
        "product_edit",
        "post",
        lambda w: {"pk": w.product.pk},
        lambda w: {"name": "Cà phê A đổi tên", "category": w.product.category_id, "description": "<p>y</p>"},
        302,
    ),
    Endpoint(
        "product_publish",
        "post",
        lambda w: {"pk": w.product.pk},
        lambda w: {"publish": "0", "confirmed": "1"},
        302,
    ),
    Endpoint(
        "product_translation",
        "post",
        lambda w: {"pk": w.product.pk},
        lambda w: {"en-name": "Ground coffee A", "en-description": "<p>Arabica</p>"},
        302,
    ),
    Endpoint("variant_create", "get", lambda w: {"pk": w.product.pk}),
    Endpoint(
        "variant_create",
        "post",
        lambda w: {"pk": w.product.pk},
        lambda w: {"name": "Gói 1kg", "price_amount": "350.000", "quantity": "5"},
        302,
    ),
    Endpoint("variant_edit", "get", _variant),
    Endpoint(
        "variant_edit",
        "post",
        _variant,
        lambda w: {"name": "Gói 250g", "sku": "A-1", "price_amount": "99000", "quantity": "7"},
        302,
    ),
    Endpoint("image_add", "get", lambda w: {"pk": w.product.pk}),
    Endpoint("image_add", "post", lambda w: {"pk": w.product.pk}, lambda w: {"image": png_upload()}, 302),
    Endpoint(
        "image_delete",
        "post",
        lambda w: {"pk": w.product.pk, "image_pk": w.image.pk},
        lambda w: {"confirmed": "1"},
        302,
    ),
    Endpoint("claim_list", "get", lambda w: {}),
    Endpoint("claim", "get", lambda w: {"pk": w.claimable.pk}),
    Endpoint(
        "claim",
        "post",
        lambda w: {"pk": w.claimable.pk},
        lambda w: {"price_amount": "120000", "quantity": "10", "image": png_upload()},
        302,
    ),
    Endpoint("profile", "get", lambda w: {}),
    Endpoint(
        "profile",
        "post",
        lambda w: {},
        lambda w: {
            "description": "Câu chuyện mới",
            "province": "son-la",
            "address": "Mai Sơn",
            "phone": "0900",
        },
        302,
    ),
    Endpoint("logo", "get", lambda w: {}),
    Endpoint("logo", "post", lambda w: {}, lambda w: {"logo": png_upload()}, 302),
    Endpoint("photo_add", "get", lambda w: {}),
    Endpoint("photo_add", "post", lambda w: {}, lambda w: {"image": png_upload()}, 302),
    Endpoint("photo_delete", "post", lambda w: {"photo_pk": w.photo.pk}, lambda w: {"confirmed": "1"}, 302),
    Endpoint("order_list", "get", lambda w: {}),
    Endpoint("order_detail", "get", lambda w: {"part_pk": w.part_a.pk}),
    Endpoint("order_packing_slip", "get", lambda w: {"part_pk": w.part_a.pk}),
    Endpoint("order_confirm", "post", lambda w: {"part_pk": w.part_a.pk}, ok=302),
    Endpoint(
        "order_ship", "post", lambda w: {"part_pk": w.part_a.pk}, lambda w: {"tracking_code": "VN123"}, 302
    ),
    Endpoint("order_deliver", "post", lambda w: {"part_pk": w.part_a.pk}, ok=302),
    Endpoint("voucher_list", "get", lambda w: {}),
    Endpoint(
        "voucher_add",
        "post",
        lambda w: {},
        lambda w: {
            "code": f"MOI{next(_codes)}",
            "value_type": "fixed",
            "value": "20000",
            "min_order_amount": "0",
        },
        302,
    ),
    Endpoint("voucher_stop", "post", lambda w: {"pk": w.voucher_a.pk}, ok=302),
]
IDS = [f"{e.method}-{e.name}" for e in ENDPOINTS]
_codes = itertools.count()


@pytest.fixture(scope="module")
def _module_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Built once for the module inside a transaction that is rolled back at the end (what Django's
    setUpTestData does); each test then runs in its own savepoint, so its writes vanish after it."""
    media = tmp_path_factory.mktemp("media")
    fast_hash = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media, PASSWORD_HASHERS=fast_hash),
        transaction.atomic(),
    ):
        world = build_world()
        world.baseline = snapshot()
        yield world, media
        transaction.set_rollback(True)


@pytest.fixture
def world(_module_world, db, settings) -> World:
    world, media = _module_world
    settings.MEDIA_ROOT = media
    return world


def _url(endpoint: Endpoint, world: World, slug: str) -> str:
    return reverse(f"seller:{endpoint.name}", kwargs={"producer": slug, **endpoint.kwargs(world)})


def _request(client: Client, endpoint: Endpoint, world: World, slug: str):
    url = _url(endpoint, world, slug)
    if endpoint.method == "get":
        return client.get(url)
    return client.post(url, endpoint.data(world))


def _client(user=None) -> Client:
    client = Client(enforce_csrf_checks=False)
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=IDS)
def test_authorisation_matrix(world, endpoint):
    """One world per endpoint; every denied role first (each must change nothing), producer A last."""
    url_a = _url(endpoint, world, "htx-a")
    before = snapshot()
    assert before == world.baseline  # the previous test's writes were rolled back

    response = _request(_client(), endpoint, world, "htx-a")
    assert (response.status_code, response["Location"]) == (302, f"/account/login/?next={url_a}"), "anonymous"
    assert snapshot() == before, "anonymous changed data"

    # Shoppers and staff are not members: the portal acts for producers only (staff use the admin).
    for who in ("shopper", "staff"):
        response = _request(_client(getattr(world, who)), endpoint, world, "htx-a")
        assert response.status_code == 404, who
        assert snapshot() == before, f"{who} changed data"

    # Producer B under A's slug.
    response = _request(_client(world.member_b), endpoint, world, "htx-a")
    assert response.status_code == 404, "producer B under A's slug"
    assert snapshot() == before, "producer B under A's slug changed data"

    # Producer B under its own slug: naming A's objects by id is a 404; without ids it acts on B only.
    response = _request(_client(world.member_b), endpoint, world, "htx-b")
    if endpoint.kwargs(world):
        assert response.status_code == 404, "producer B with A's object ids"
        assert snapshot() == before, "producer B with A's object ids changed data"
    else:
        assert response.status_code == endpoint.ok, "producer B on its own producer"
        assert _rows_of_a(world, snapshot()) == _rows_of_a(world, before), "B's request reached A's rows"

    response = _request(_client(world.owner_a), endpoint, world, "htx-a")
    form = response.context.get("form") if response.context else None
    assert response.status_code == endpoint.ok, form.errors if form else response.content[:500]


def _rows_of_a(world: World, state: dict) -> dict:
    a_products = {world.product.pk, world.claimable.pk}
    return {
        "products": [row for row in state["products"] if row[0] in a_products],
        "variants": [row for row in state["variants"] if ("product", str(world.product.pk)) in row],
        "stock": [row for row in state["stock"] if row[0] == world.variant.pk],
        "images": [row for row in state["images"] if row[1] in a_products],
        "producer": [row for row in state["producers"] if ("id", str(world.producer_a.pk)) in row],
        "photos": [row for row in state["photos"] if row[1] == world.producer_a.pk],
        "parts": [row for row in state["parts"] if row[0] == world.part_a.pk],
        "vouchers": [row for row in state["vouchers"] if row[1] == world.producer_a.pk],
    }


@pytest.mark.django_db
def test_index_redirects_a_single_producer_member_to_its_dashboard(world):
    response = _client(world.owner_a).get("/seller/")
    assert response.status_code == 302
    assert response["Location"] == "/seller/htx-a/"


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["shopper", "staff"])
def test_index_refuses_non_members_with_403(world, who):
    response = _client(getattr(world, who)).get("/seller/")
    assert response.status_code == 403
    assert "chưa thuộc chủ thể OCOP nào" in response.content.decode()


@pytest.mark.django_db
def test_index_anonymous_goes_to_login(world):
    response = _client().get("/seller/")
    assert response.status_code == 302
    assert response["Location"] == "/account/login/?next=/seller/"


@pytest.mark.django_db
def test_member_of_two_producers_chooses_and_switches(world):
    from tests.factories import MembershipFactory

    MembershipFactory(producer=world.producer_b, user=world.owner_a, role="staff")
    client = _client(world.owner_a)
    response = client.get("/seller/")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-switch-producer="htx-a"' in body and 'data-switch-producer="htx-b"' in body
    dashboard_b = client.get("/seller/htx-b/")
    assert dashboard_b.status_code == 200
    assert 'data-switch-producer="htx-a"' in dashboard_b.content.decode()
    # Acting for B, A's product ids still do not resolve.
    assert client.get(f"/seller/htx-b/products/{world.product.pk}/").status_code == 404


@pytest.mark.django_db
def test_csrf_is_enforced_on_portal_forms(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.owner_a)
    before = snapshot()
    response = client.post(f"/seller/htx-a/products/{world.product.pk}/publish/", {"publish": "0"})
    assert response.status_code == 403
    assert snapshot() == before
