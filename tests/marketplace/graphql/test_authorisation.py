"""Every catalogue mutation × every kind of caller: exact allow/deny, and a denied call changes nothing."""

import pytest
from django.contrib.auth.models import AnonymousUser, Permission
from django.db import transaction
from django.test import override_settings
from graphql_relay import to_global_id

from marketplace.catalog.models import Product, ProductModeration, ProductVariant, Stock
from marketplace.certification.models import Certification
from tests.factories import (
    MembershipFactory,
    ModerationFactory,
    ProductFactory,
    StaffFactory,
    UserFactory,
    VariantFactory,
    visible_product,
)
from tests.factories.discounts import VoucherFactory

pytestmark = pytest.mark.django_db

STAFF_PERMISSIONS = [
    "add_product",
    "change_product",
    "delete_product",
    "add_productmoderation",
    "change_productmoderation",
]


def gid(obj) -> str:
    return to_global_id(type(obj).__name__, obj.pk)


@pytest.fixture(scope="module")
def _module_world(django_db_setup, django_db_blocker):
    """Built once for the module in a transaction rolled back at the end (like setUpTestData); each test
    and each caller inside a test then run in savepoints, so their writes vanish after them."""
    fast_hash = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=fast_hash), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


@pytest.fixture
def world(_module_world, db):
    return _module_world


def build_world():
    member_a = MembershipFactory()
    member_b = MembershipFactory()

    def products_of(producer):
        sold = visible_product(producer=producer)
        draft = ProductFactory(producer=producer, is_published=False)  # never certified: deletable
        VariantFactory(product=draft)
        hidden = visible_product(producer=producer)
        ModerationFactory(product=hidden)
        return {"sold": sold, "draft": draft, "hidden": hidden}

    staff_with = StaffFactory()
    staff_with.user_permissions.set(
        Permission.objects.filter(content_type__app_label="catalog", codename__in=STAFF_PERMISSIONS)
    )
    return {
        "users": {
            "anonymous": None,
            "shopper": UserFactory(),
            "producer_a_own": member_a.user,
            "producer_a_on_b": member_a.user,
            "inactive_member_of_a": MembershipFactory(
                producer=member_a.producer, user=UserFactory(is_active=False)
            ).user,
            "staff_without_permission": StaffFactory(),
            "staff_with_permission": staff_with,
        },
        "a": products_of(member_a.producer) | {"producer": member_a.producer},
        "b": products_of(member_b.producer) | {"producer": member_b.producer},
    }


def snapshot() -> dict:
    return {
        "products": list(Product.objects.order_by("pk").values()),
        "variants": list(ProductVariant.objects.order_by("pk").values()),
        "stocks": list(Stock.objects.order_by("pk").values()),
        "moderations": list(ProductModeration.objects.order_by("pk").values()),
        "certifications": list(Certification.objects.order_by("pk").values()),
    }


def target(world, actor: str) -> dict:
    return world["b"] if actor == "producer_a_on_b" else world["a"]


MUTATIONS = {
    "productCreate": (
        """mutation($producer: ID, $category: ID) {
          productCreate(input: {name: "Trà mới", category: $category, producer: $producer}) {
            product { id name producer { slug } } errors { field code } } }""",
        lambda t: {
            "producer": gid(t["producer"]),
            "category": to_global_id("Category", t["sold"].category_id),
        },
    ),
    "productUpdate": (
        """mutation($id: ID!) { productUpdate(id: $id, input: {name: "Tên mới", isPublished: false}) {
            product { id name } errors { field code } } }""",
        lambda t: {"id": gid(t["sold"])},
    ),
    "productDelete": (
        """mutation($id: ID!) { productDelete(id: $id) { product { id } errors { field code } } }""",
        lambda t: {"id": gid(t["draft"])},
    ),
    "productVariantCreate": (
        """mutation($product: ID!) { productVariantCreate(input: {product: $product, sku: "NEW-SKU-1",
            name: "Hộp 1kg", price: "320000", stocks: [{quantity: 7}]}) {
            productVariant { id name quantityAvailable pricing { price { gross { amount } } } }
            errors { field code } } }""",
        lambda t: {"product": gid(t["sold"])},
    ),
    "productVariantUpdate": (
        """mutation($id: ID!) { productVariantUpdate(id: $id, input: {price: "199000", name: "Gói 1kg"}) {
            productVariant { id name pricing { price { gross { amount } } } } errors { field code } } }""",
        lambda t: {"id": gid(t["sold"].variants.get())},
    ),
    "productVariantStocksUpdate": (
        """mutation($id: ID!) { productVariantStocksUpdate(variantId: $id, stocks: [{quantity: 3}]) {
            productVariant { id quantityAvailable } errors { field code } } }""",
        lambda t: {"id": gid(t["sold"].variants.get())},
    ),
    "productHide": (
        """mutation($id: ID!) {
          productHide(id: $id, reason: "Nhãn sai") { product { id } errors { field code } } }""",
        lambda t: {"id": gid(t["sold"])},
    ),
    "productUnhide": (
        """mutation($id: ID!) { productUnhide(id: $id) { product { id } errors { field code } } }""",
        lambda t: {"id": gid(t["hidden"])},
    ),
}

PRODUCER_SCOPED = {"producer_a_own", "staff_with_permission"}
ALLOWED = {
    "productCreate": PRODUCER_SCOPED,
    "productUpdate": PRODUCER_SCOPED,
    "productDelete": PRODUCER_SCOPED,
    "productVariantCreate": PRODUCER_SCOPED,
    "productVariantUpdate": PRODUCER_SCOPED,
    "productVariantStocksUpdate": PRODUCER_SCOPED,
    "productHide": {"staff_with_permission"},
    "productUnhide": {"staff_with_permission"},
}
ACTORS = [
    "anonymous",
    "shopper",
    "producer_a_own",
    "producer_a_on_b",
    "inactive_member_of_a",
    "staff_without_permission",
    "staff_with_permission",
]


def check_effect(name: str, t: dict, payload: dict) -> None:
    """What an allowed call must have done."""
    if name == "productCreate":
        product = Product.objects.get(name="Trà mới")
        assert product.producer == t["producer"]
        assert payload["product"]["producer"]["slug"] == t["producer"].slug
        assert not product.certifications.exists()
    elif name == "productUpdate":
        t["sold"].refresh_from_db()
        assert (t["sold"].name, t["sold"].is_published) == ("Tên mới", False)
    elif name == "productDelete":
        assert not Product.objects.filter(pk=t["draft"].pk).exists()
        assert payload["product"]["id"] == gid(t["draft"])
    elif name == "productVariantCreate":
        variant = ProductVariant.objects.get(sku="NEW-SKU-1")
        assert (variant.product_id, variant.price_amount, variant.stock.quantity) == (
            t["sold"].pk,
            320_000,
            7,
        )
        assert payload["productVariant"]["quantityAvailable"] == 7
    elif name == "productVariantUpdate":
        variant = t["sold"].variants.get()
        assert (variant.price_amount, variant.name) == (199_000, "Gói 1kg")
    elif name == "productVariantStocksUpdate":
        assert t["sold"].variants.get().stock.quantity == 3
        assert payload["productVariant"]["quantityAvailable"] == 3
    elif name == "productHide":
        moderation = ProductModeration.objects.get(product=t["sold"], unhidden_at__isnull=True)
        assert moderation.reason == "Nhãn sai"
    elif name == "productUnhide":
        assert not ProductModeration.objects.filter(product=t["hidden"], unhidden_at__isnull=True).exists()


@pytest.mark.parametrize("name", list(MUTATIONS))
def test_authorisation_matrix(api, world, name):
    query, variables = MUTATIONS[name]
    for actor in ACTORS:
        # Each caller starts from the same world: its changes are rolled back to a savepoint afterwards.
        with transaction.atomic():
            t = target(world, actor)
            before = snapshot()
            if actor == "inactive_member_of_a":
                # A deactivated account's token no longer authenticates anyone: refused before any resolver.
                response = api.raw(query, variables(t), user=world["users"][actor])
                assert response.status_code == 401, actor
                assert snapshot() == before, actor
                transaction.set_rollback(True)
                continue
            body = api(query, variables(t), user=world["users"][actor])
            if actor in ALLOWED[name]:
                assert "errors" not in body, (actor, body)
                payload = body["data"][name]
                assert payload["errors"] == [], actor
                check_effect(name, t, payload)
            else:
                assert body["data"] == {name: None}, actor
                codes = [error["extensions"]["exception"]["code"] for error in body["errors"]]
                assert codes == ["PermissionDenied"], actor
                assert snapshot() == before, actor
            transaction.set_rollback(True)


def test_nobody_can_set_stars_or_certification(api, world):
    """There is no input for stars or certificates: the request is rejected before anything runs."""
    staff = world["users"]["staff_with_permission"]
    before = snapshot()
    body = api(
        """mutation($id: ID!) {
          productUpdate(id: $id, input: {name: "X", ocop: {stars: 5}}) { errors { code } } }""",
        {"id": gid(world["a"]["sold"])},
        user=staff,
    )
    assert "ocop" in body["errors"][0]["message"]
    body = api(
        """mutation($id: ID!) { productUpdate(id: $id, input: {stars: 5}) { errors { code } } }""",
        {"id": gid(world["a"]["sold"])},
        user=world["users"]["producer_a_own"],
    )
    assert "stars" in body["errors"][0]["message"]
    assert snapshot() == before


def test_wrong_id_type_is_an_input_error(api, world):
    member = world["users"]["producer_a_own"]
    producer_id = to_global_id("Producer", world["a"]["producer"].pk)
    before = snapshot()
    body = api(
        """mutation($id: ID!) {
          productUpdate(id: $id, input: {name: "X"}) { product { id } errors { field code message } } }""",
        {"id": producer_id},
        user=member,
    )
    assert body["data"]["productUpdate"]["product"] is None
    assert body["data"]["productUpdate"]["errors"] == [
        {
            "field": "id",
            "code": "GRAPHQL_ERROR",
            "message": f"Invalid ID: {producer_id}. Expected: Product, received: Producer.",
        }
    ]
    assert snapshot() == before


def test_certified_product_cannot_be_deleted(api, world):
    member = world["users"]["producer_a_own"]
    before = snapshot()
    body = api(
        """mutation($id: ID!) { productDelete(id: $id) { product { id } errors { field code } } }""",
        {"id": gid(world["a"]["sold"])},
        user=member,
    )
    assert body["data"]["productDelete"]["errors"] == [{"field": None, "code": "INVALID"}]
    assert snapshot() == before


def test_invalid_price_is_rejected(api, world):
    member = world["users"]["producer_a_own"]
    before = snapshot()
    body = api(
        """mutation($id: ID!) {
          productVariantUpdate(id: $id, input: {price: "-5"}) { errors { field code } } }""",
        {"id": gid(world["a"]["sold"].variants.get())},
        user=member,
    )
    assert body["data"]["productVariantUpdate"]["errors"] == [{"field": "price", "code": "INVALID_PRICE"}]
    assert snapshot() == before


# Mutations open to every caller (the checkout token is the secret, as in Saleor); listed so that the
# test below fails when a new mutation appears without a decision about who may call it.
PUBLIC_MUTATIONS = {
    "tokenCreate": (
        'mutation { tokenCreate(email: "nobody@example.vn", password: "x") { token errors { code } } }',
        lambda t: {},
        [{"code": "INVALID_CREDENTIALS"}],
    ),
    "tokenRefresh": (
        "mutation { tokenRefresh(refreshToken: null) { token errors { code } } }",
        lambda t: {},
        [{"code": "JWT_MISSING_TOKEN"}],
    ),
    "requestPasswordReset": (
        'mutation { requestPasswordReset(email: "nobody@example.vn", redirectUrl: "") { errors { code } } }',
        lambda t: {},
        [],
    ),
    "accountRegister": (
        """mutation($email: String!) { accountRegister(input: {email: $email, password: "cà-phê-2026-ngon"}) {
            user { email } errors { code } } }""",
        lambda t: {"email": "new-buyer@example.vn"},
        [],
    ),
    "checkoutCreate": (
        """mutation($v: ID!) { checkoutCreate(input: {channel: "default-channel", email: "a@example.vn",
            lines: [{quantity: 1, variantId: $v}]}) { checkout { id } errors { code } } }""",
        lambda t: {"v": gid(t["sold"].variants.get())},
        [],
    ),
    "checkoutLinesAdd": (
        """mutation($id: ID!, $v: ID!) { checkoutLinesAdd(id: $id, lines: [{quantity: 1, variantId: $v}]) {
            checkout { id } errors { code } } }""",
        lambda t: {"id": t["checkout"], "v": gid(t["sold"].variants.get())},
        [],
    ),
    "checkoutLinesUpdate": (
        """mutation($id: ID!, $v: ID!) { checkoutLinesUpdate(id: $id, lines: [{quantity: 2, variantId: $v}]) {
            checkout { id } errors { code } } }""",
        lambda t: {"id": t["checkout"], "v": gid(t["sold"].variants.get())},
        [],
    ),
    "checkoutLinesDelete": (
        """mutation($id: ID!, $line: ID!) { checkoutLinesDelete(id: $id, linesIds: [$line]) {
            checkout { id } errors { code } } }""",
        lambda t: {"id": t["checkout"], "line": t["line"]},
        [],
    ),
    "checkoutEmailUpdate": (
        """mutation($id: ID!) { checkoutEmailUpdate(id: $id, email: "b@example.vn") { checkout { email }
            errors { code } } }""",
        lambda t: {"id": t["checkout"]},
        [],
    ),
    "checkoutShippingAddressUpdate": (
        """mutation($id: ID!) { checkoutShippingAddressUpdate(id: $id, shippingAddress: {firstName: "Lan",
            streetAddress1: "1 Tô Hiệu", city: "Tô Hiệu", countryArea: "son-la", phone: "0912345678"}) {
            checkout { id } errors { code } } }""",
        lambda t: {"id": t["checkout"]},
        [],
    ),
    "checkoutBillingAddressUpdate": (
        """mutation($id: ID!) { checkoutBillingAddressUpdate(id: $id, billingAddress: {firstName: "Lan",
            streetAddress1: "1 Tô Hiệu", city: "Tô Hiệu", countryArea: "son-la", phone: "0912345678"}) {
            checkout { billingAddress { countryArea } } errors { code } } }""",
        lambda t: {"id": t["checkout"]},
        [],
    ),
    "checkoutDeliveryMethodUpdate": (
        """mutation($id: ID!, $m: ID!) { checkoutDeliveryMethodUpdate(id: $id, deliveryMethodId: $m) {
            checkout { deliveryMethod { ... on ShippingMethod { id } } } errors { code } } }""",
        lambda t: {"id": t["checkout"], "m": to_global_id("ShippingMethod", "standard")},
        [],
    ),
    "checkoutShippingMethodUpdate": (
        """mutation($id: ID!, $m: ID!) { checkoutShippingMethodUpdate(id: $id, shippingMethodId: $m) {
            checkout { shippingMethod { id } } errors { code } } }""",
        lambda t: {"id": t["checkout"], "m": to_global_id("ShippingMethod", "standard")},
        [],
    ),
    "deliveryOptionsCalculate": (
        """mutation($id: ID!) { deliveryOptionsCalculate(id: $id) {
            deliveries { id shippingMethod { id } } errors { code } } }""",
        lambda t: {"id": t["checkout"]},
        [],
    ),
    "checkoutLineDelete": (
        """mutation($id: ID!, $line: ID!) { checkoutLineDelete(id: $id, lineId: $line) {
            checkout { id } errors { code } } }""",
        lambda t: {"id": t["checkout"], "line": t["line"]},
        [],
    ),
    # Whoever holds the checkout's ID may apply a code (as Saleor): a guest, a shopper, staff.
    "checkoutAddPromoCode": (
        """mutation($id: ID!) { checkoutAddPromoCode(id: $id, promoCode: "matrix10") {
            checkout { voucherCode } errors { code } } }""",
        lambda t: {"id": t["checkout"]},
        [],
    ),
    # Whoever holds the checkout's ID may set its public metadata (as Saleor for checkouts).
    "updateMetadata": (
        """mutation($id: ID!) { updateMetadata(id: $id, input: [{key: "consent", value: "yes"}]) {
            item { ... on Checkout { metafield(key: "consent") } } errors { code } } }""",
        lambda t: {"id": t["checkout"]},
        [],
    ),
    "checkoutRemovePromoCode": (
        """mutation($id: ID!) { checkoutRemovePromoCode(id: $id, promoCode: "MATRIX10") {
            checkout { voucherCode } errors { code } } }""",
        lambda t: {"id": t["checkout"]},
        [],
    ),
    "paymentGatewayInitialize": (
        """mutation($id: ID!) { paymentGatewayInitialize(id: $id,
            paymentGateways: [{id: "ocop.payments.cod"}]) {
            gatewayConfigs { id data errors { code } } errors { code } } }""",
        lambda t: {"id": t["checkout"]},
        [],
    ),
    "transactionInitialize": (
        """mutation($id: ID!) { transactionInitialize(id: $id, paymentGateway: {id: "ocop.payments.cod"}) {
            transaction { name } errors { code } } }""",
        lambda t: {"id": t["checkout"]},
        [],
    ),
    "transactionProcess": (
        """mutation($id: ID!) { transactionProcess(id: $id) { transaction { name } errors { code } } }""",
        lambda t: {"id": t["transaction"]},
        [],
    ),
    "checkoutComplete": (
        """mutation($id: ID!) { checkoutComplete(id: $id) { order { id } errors { code } } }""",
        lambda t: {"id": t["ready_checkout"]},
        [],
    ),
}


# Mutations with their own caller matrix in another module.
TESTED_ELSEWHERE = {
    "orderCancel",  # test_order_cancel.py
    # test_account_mutations.py: anonymous refused, another user's address not found, nothing changed.
    "accountUpdate",
    "passwordChange",
    "accountAddressCreate",
    "accountAddressUpdate",
    "accountAddressDelete",
    "accountSetDefaultAddress",
    "setPassword",  # test_account_mutations.py: anyone holding a reset e-mail's token
    "checkoutCustomerAttach",  # test_checkout_customer.py
    "checkoutCustomerDetach",
    # test_account_deletion.py: only the signed-in plain shopper, on their own account; anonymous, staff and
    # producer members refused with nothing changed; a wrong or reset token changes nothing.
    "accountRequestDeletion",
    "accountDelete",
}
# Mutations on the caller's own account: any signed-in user, never anonymous, never someone else's.
OWN_ACCOUNT_MUTATIONS = {"tokensDeactivateAll": "mutation { tokensDeactivateAll { errors { code } } }"}


def test_every_mutation_has_an_authorisation_decision():
    from marketplace.graphql.api import schema

    assert set(schema.graphql_schema.mutation_type.fields) == (
        set(MUTATIONS) | set(PUBLIC_MUTATIONS) | set(OWN_ACCOUNT_MUTATIONS) | TESTED_ELSEWHERE
    )


@pytest.mark.parametrize("name", list(OWN_ACCOUNT_MUTATIONS))
def test_own_account_mutations_for_every_caller(api, world, name):
    from marketplace.accounts.models import User

    for actor in [actor for actor in ACTORS if actor != "inactive_member_of_a"]:  # no valid token
        with transaction.atomic():
            user = world["users"][actor]
            before = dict(User.objects.values_list("pk", "token_version"))
            body = api(OWN_ACCOUNT_MUTATIONS[name], user=user)
            after = dict(User.objects.values_list("pk", "token_version"))
            if user is None:
                assert body["errors"][0]["extensions"]["exception"]["code"] == "PermissionDenied"
                assert after == before
            else:
                assert body["data"][name]["errors"] == [], actor
                assert after == before | {user.pk: before[user.pk] + 1}, actor
            transaction.set_rollback(True)


@pytest.mark.parametrize("name", list(PUBLIC_MUTATIONS))
def test_public_mutations_for_every_caller(api, world, name):
    from marketplace.checkout import services as checkout_services

    query, variables, expected_errors = PUBLIC_MUTATIONS[name]
    for actor in [actor for actor in ACTORS if actor != "inactive_member_of_a"]:  # no valid token
        with transaction.atomic():
            t = dict(world["a"])
            checkout = checkout_services.checkout_create(email="c@example.vn", by=AnonymousUser())
            line = checkout_services.checkout_lines_add(
                checkout=checkout, variant_id=t["sold"].variants.get().pk, by=AnonymousUser()
            )
            ready = checkout_services.checkout_create(email="d@example.vn", by=AnonymousUser())
            checkout_services.checkout_lines_add(
                checkout=ready, variant_id=t["sold"].variants.get().pk, by=AnonymousUser()
            )
            checkout_services.checkout_shipping_address_update(
                checkout=ready,
                full_name="Lan",
                phone="0912345678",
                province="son-la",
                commune="Tô Hiệu",
                street="1",
                by=AnonymousUser(),
            )
            checkout_services.checkout_delivery_method_update(
                checkout=ready, delivery_method="standard", by=AnonymousUser()
            )
            VoucherFactory(code="MATRIX10")
            t |= {
                "checkout": to_global_id("Checkout", str(checkout.token)),
                "line": to_global_id("CheckoutLine", line.pk),
                "ready_checkout": to_global_id("Checkout", str(ready.token)),
                "transaction": to_global_id("TransactionItem", str(checkout.token)),
            }
            body = api(query, variables(t), user=world["users"][actor])
            assert "errors" not in body, (actor, body)
            assert body["data"][name]["errors"] == expected_errors, actor
            transaction.set_rollback(True)
