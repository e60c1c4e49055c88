"""Every producer-scoped write service × every kind of caller: exactly who may act (the one policy in
marketplace.producers.policies), and a refused call changes nothing in the database."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.test import override_settings

from marketplace.accounts import services as accounts
from marketplace.accounts.models import Address, User
from marketplace.catalog import services as catalog
from marketplace.catalog.models import (
    CategoryTranslation,
    Collection,
    CollectionTranslation,
    Product,
    ProductImage,
    ProductModeration,
    ProductTranslation,
    ProductVariant,
    ProductVariantTranslation,
    Stock,
)
from marketplace.content import services as content
from marketplace.content.models import MenuItem, MenuItemTranslation, Page, PageTranslation
from marketplace.discounts import services as discounts
from marketplace.discounts.models import Voucher
from marketplace.money import selectors as money_selectors
from marketplace.money import services as money
from marketplace.money.models import (
    BankAccount,
    BankAccountChange,
    BankNotification,
    CodRemittance,
    LedgerEntry,
    NotificationStatus,
    OrderRefund,
    PayoutBatch,
    PayoutItem,
    Refund,
    ReturnRequest,
    ReturnStatus,
)
from marketplace.orders import services as orders
from marketplace.orders.models import Order, OrderEvent, OrderLine, OrderPart
from marketplace.payments.models import Payment
from marketplace.producers import services as producers
from marketplace.producers.models import Producer, ProducerMembership, ProducerPhoto
from marketplace.producers.policies import SYSTEM_TASK
from marketplace.shipping import services as shipping
from marketplace.shipping.models import ProducerShipping
from tests.factories import (
    MembershipFactory,
    ModerationFactory,
    ProductFactory,
    StaffFactory,
    UserFactory,
    category,
    staff_with,
)
from tests.factories.money import deliver, pay_by_transfer, with_bank_account
from tests.factories.orders import buyable_variant, place_order
from tests.factories.portal import png_upload

pytestmark = pytest.mark.django_db

STAFF_PERMISSIONS = (
    "catalog.add_product",
    "catalog.change_product",
    "catalog.delete_product",
    "catalog.add_productmoderation",
    "catalog.change_productmoderation",
    "producers.change_producer",
    "orders.change_order",
    "orders.view_order",
    "money.add_payoutbatch",
    "money.add_refund",
    "money.change_banknotification",
    "money.add_codremittance",
    "money.add_ledgerentry",
    "money.view_ledgerentry",
    "catalog.change_category",
    "catalog.change_collection",
    "content.change_page",
    "content.change_menu",
    "discounts.change_voucher",
)
ACTORS = [
    "anonymous",
    "shopper",
    "member_of_other_producer",
    "inactive_member",
    "member",
    "staff_without_permission",
    "staff_with_permission",
]
PRODUCER_SCOPED = {"member", "staff_with_permission"}
STAFF_ONLY = {"staff_with_permission"}
BUYER = {"shopper"}  # the world's returned order was bought by the shopper
NOBODY: set[str] = set()  # system actors only (webhooks, tasks)
PASSWORD = "pass-word-123"  # every factory user's


@pytest.fixture(scope="module")
def _module_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Built once for the module in a transaction rolled back at the end; each call then runs in a
    savepoint rolled back after it."""
    media = tmp_path_factory.mktemp("media")
    fast_hash = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=fast_hash, MEDIA_ROOT=media),
        transaction.atomic(),
    ):
        yield build_world()
        transaction.set_rollback(True)


@pytest.fixture
def world(_module_world, db):
    return _module_world


def build_world() -> dict:
    own = MembershipFactory()
    other = MembershipFactory()
    inactive = MembershipFactory(producer=own.producer, user=UserFactory(is_active=False))
    a = own.producer
    sold = buyable_variant(producer=a, quantity=20).product
    draft = ProductFactory(producer=a, is_published=False)  # never certified: deletable
    hidden = ProductFactory(producer=a)
    ModerationFactory(product=hidden)
    image = catalog.product_image_add(product=sold, uploaded_file=png_upload(), by=SYSTEM_TASK)
    photo = producers.producer_photo_add(producer=a, uploaded_file=png_upload(), by=SYSTEM_TASK)
    theirs = buyable_variant(producer=other.producer)
    order = place_order((sold.variants.get(), 1), (theirs, 1), payment_method="bank_transfer")
    shipped = place_order((sold.variants.get(), 1)).parts.get()
    own_voucher = discounts.voucher_create(
        producer=a, code="CUA-MINH", value_type="percentage", value=10, by=SYSTEM_TASK
    )
    platform_voucher = discounts.voucher_create(
        producer=None, code="CUA-SAN", value_type="fixed", value=20_000, by=SYSTEM_TASK
    )
    orders.order_part_mark_shipped(part=shipped, by=SYSTEM_TASK, tracking_code="VN1")
    shopper = UserFactory()
    money_world = build_money_world(producer=a, variant=sold.variants.get(), shopper=shopper)
    return {
        **money_world,
        "producer": a,
        "sold": sold,
        "variant": sold.variants.get(),
        "draft": draft,
        "hidden": hidden,
        "image": image,
        "photo": photo,
        "order": order,
        "part": order.parts.get(producer=a),
        "shipped": shipped,
        "own_voucher": own_voucher,
        "platform_voucher": platform_voucher,
        "actors": {
            "anonymous": AnonymousUser(),
            "shopper": shopper,
            "member_of_other_producer": other.user,
            "inactive_member": inactive.user,
            "member": own.user,
            "staff_without_permission": StaffFactory(),
            "staff_with_permission": staff_with(*STAFF_PERMISSIONS),
        },
    }


def build_money_world(*, producer, variant, shopper) -> dict:
    """Producer money for the matrix: a payout batch already made, a payable sale, a delivered order of the
    shopper with return requests at every step, a queued bank transfer, a bank refund due, a COD order."""
    with_bank_account(producer)

    def sold_long_ago():
        order = place_order((variant, 1), payment_method="bank_transfer")
        pay_by_transfer(order)
        deliver(order, days_ago=30)
        return order

    sold_long_ago()
    batch = money.payout_batch_create(by=SYSTEM_TASK, threshold=1)
    payable = sold_long_ago()
    returned = place_order((variant, 4), user=shopper, payment_method="bank_transfer")
    pay_by_transfer(returned)
    deliver(returned)
    line = OrderLine.objects.get(part__order=returned)
    requests = {}
    for step in ("requested", "refused", "escalated", "accepted"):
        request = money.return_request_create(line=line, quantity=1, reason=step, photos=[], by=shopper)
        if step != "requested":
            request = money.return_request_decide(
                request=request, accept=step == "accepted", reason="Không lỗi", restock=False, by=SYSTEM_TASK
            )
        if step == "escalated":
            request = money.return_request_escalate(request=request, reason="Có lỗi", by=shopper)
        requests[step] = request
    assert requests["escalated"].status == ReturnStatus.ESCALATED
    queued = BankNotification.objects.create(
        provider_id="matrix-1", amount=1_000, content="chuyen tien", status=NotificationStatus.UNKNOWN
    )
    cancelled = place_order((variant, 1), payment_method="bank_transfer")
    pay_by_transfer(cancelled)
    orders.order_part_cancel(part=cancelled.parts.get(), by=SYSTEM_TASK, reason="Hết hàng")
    cod = place_order((variant, 1), payment_method="cod")
    deliver(cod)
    return {
        "batch": batch,
        "payable_line": OrderLine.objects.get(part__order=payable),
        "returns": requests,
        "queued": queued,
        "refund_due": OrderRefund.objects.get(order=cancelled),
        "cod_csv": f"order_reference,amount,date\n{cod.number},{cod.total_amount},2026-07-01\n".encode(),
    }


def _request(w: dict, step: str) -> ReturnRequest:
    return ReturnRequest.objects.get(pk=w["returns"][step].pk)


def _bank_notice(provider_id: str) -> dict:
    return {"id": provider_id, "transferAmount": 5_000, "content": "tien hang", "transferType": "in"}


# Producer money (issue 15): the producer's own bank account; staff with the money permissions for payouts,
# refunds, adjustments, the bank-transfer queue and COD remittances; the buyer for returns.
MONEY_SERVICES = {
    "bank_account_set": (
        PRODUCER_SCOPED,
        lambda w, by: money.bank_account_set(
            producer=w["producer"],
            bank_bin="970418",
            account_number="1234567890",
            account_name="Chủ mới",
            password=PASSWORD,
            by=by,
        ),
    ),
    "payout_batch_create": (STAFF_ONLY, lambda w, by: money.payout_batch_create(threshold=1, by=by)),
    "payout_batch_mark_sent": (
        STAFF_ONLY,
        lambda w, by: money.payout_batch_mark_sent(batch=w["batch"], by=by),
    ),
    "ledger_adjust": (
        STAFF_ONLY,
        lambda w, by: money.ledger_adjust(producer=w["producer"], amount=-5_000, reason="Phí in nhãn", by=by),
    ),
    "refund_create": (
        STAFF_ONLY,
        lambda w, by: money.refund_create(
            line=w["payable_line"],
            quantity=1,
            amount=10_000,
            method="bank_transfer",
            bank_reference="FT1",
            idempotency_key="matrix-refund",
            reason="Hỏng",
            restock=False,
            by=by,
        ),
    ),
    "return_request_create": (
        BUYER,
        lambda w, by: money.return_request_create(
            line=w["returns"]["requested"].line, quantity=1, reason="Vỡ", photos=[], by=by
        ),
    ),
    "return_request_decide": (
        PRODUCER_SCOPED,
        lambda w, by: money.return_request_decide(
            request=_request(w, "requested"), accept=False, reason="Không lỗi", restock=False, by=by
        ),
    ),
    "return_request_decide_escalated": (
        STAFF_ONLY,
        lambda w, by: money.return_request_decide(
            request=_request(w, "escalated"), accept=True, reason="", restock=True, by=by
        ),
    ),
    "return_request_escalate": (
        BUYER,
        lambda w, by: money.return_request_escalate(request=_request(w, "refused"), reason="Có lỗi", by=by),
    ),
    "return_request_refund": (
        STAFF_ONLY,
        lambda w, by: money.return_request_refund(
            request=_request(w, "accepted"),
            amount=50_000,
            method="bank_transfer",
            bank_reference="FT2",
            idempotency_key="matrix-return",
            by=by,
        ),
    ),
    "bank_notification_receive": (
        NOBODY,
        lambda w, by: money.bank_notification_receive(data=_bank_notice("matrix-2"), by=by),
    ),
    "bank_notification_resolve": (
        STAFF_ONLY,
        lambda w, by: money.bank_notification_resolve(
            notification=w["queued"], outcome="refunded", reason="Đã trả lại người gửi", by=by
        ),
    ),
    "remittance_apply": (STAFF_ONLY, lambda w, by: money.remittance_apply(content=w["cod_csv"], by=by)),
    "order_refund_record_transfer": (
        STAFF_ONLY,
        lambda w, by: money.order_refund_record_transfer(refund=w["refund_due"], bank_reference="FT3", by=by),
    ),
}
# Only the buyer asks for or escalates a return: no system actor does it for them.
SYSTEM_REFUSED = {"return_request_create", "return_request_escalate"}

# Reads of producer money: the producer's own ledger, statement and bank account; the tax report (staff).
MONEY_READS = {
    "producer_balances": (
        PRODUCER_SCOPED,
        lambda w, by: money_selectors.producer_balances(producer_id=w["producer"].pk, by=by),
    ),
    "producer_statement": (
        PRODUCER_SCOPED,
        lambda w, by: list(money_selectors.producer_statement(producer_id=w["producer"].pk, by=by)),
    ),
    "producer_bank_account": (
        PRODUCER_SCOPED,
        lambda w, by: money_selectors.producer_bank_account(producer_id=w["producer"].pk, by=by),
    ),
    "withholding_report_csv": (
        STAFF_ONLY,
        lambda w, by: money_selectors.withholding_report_csv(year=2026, month=7, by=by),
    ),
}


SERVICES = {
    "product_create": (
        PRODUCER_SCOPED,
        lambda w, by: catalog.product_create(producer=w["producer"], category=category(), name="Mới", by=by),
    ),
    "product_update": (
        PRODUCER_SCOPED,
        lambda w, by: catalog.product_update(product=w["sold"], name="Tên mới", by=by),
    ),
    "product_delete": (PRODUCER_SCOPED, lambda w, by: catalog.product_delete(product=w["draft"], by=by)),
    "variant_create": (
        PRODUCER_SCOPED,
        lambda w, by: catalog.variant_create(product=w["sold"], sku="NEW-1", price_amount=1, by=by),
    ),
    "product_variant_add": (
        PRODUCER_SCOPED,
        lambda w, by: catalog.product_variant_add(product=w["draft"], price_amount=5, by=by),
    ),
    "variant_update": (
        PRODUCER_SCOPED,
        lambda w, by: catalog.variant_update(variant=w["variant"], price_amount=9, by=by),
    ),
    "variant_update_with_stock": (
        PRODUCER_SCOPED,
        lambda w, by: catalog.variant_update_with_stock(
            variant=w["variant"], name="Gói", sku="S-1", price_amount=9, weight_grams=None, quantity=1, by=by
        ),
    ),
    "stock_set": (PRODUCER_SCOPED, lambda w, by: catalog.stock_set(variant=w["variant"], quantity=3, by=by)),
    "product_set_published": (
        PRODUCER_SCOPED,
        lambda w, by: catalog.product_set_published(product=w["sold"], is_published=False, by=by),
    ),
    "product_image_add": (
        PRODUCER_SCOPED,
        lambda w, by: catalog.product_image_add(product=w["sold"], uploaded_file=png_upload(), by=by),
    ),
    "product_image_delete": (
        PRODUCER_SCOPED,
        lambda w, by: catalog.product_image_delete(image=w["image"], by=by),
    ),
    "product_hide": (
        STAFF_ONLY,
        lambda w, by: catalog.product_hide(product=w["sold"], reason="Nhãn sai", by=by),
    ),
    "product_unhide": (STAFF_ONLY, lambda w, by: catalog.product_unhide(product=w["hidden"], by=by)),
    "producer_profile_update": (
        PRODUCER_SCOPED,
        lambda w, by: producers.producer_profile_update(producer=w["producer"], description="Mới", by=by),
    ),
    "producer_free_shipping_set": (
        PRODUCER_SCOPED,
        lambda w, by: shipping.producer_free_shipping_set(
            producer=w["producer"], free_over_vnd=300_000, by=by
        ),
    ),
    "producer_logo_set": (
        PRODUCER_SCOPED,
        lambda w, by: producers.producer_logo_set(producer=w["producer"], uploaded_file=png_upload(), by=by),
    ),
    "producer_photo_add": (
        PRODUCER_SCOPED,
        lambda w, by: producers.producer_photo_add(producer=w["producer"], uploaded_file=png_upload(), by=by),
    ),
    "producer_photo_delete": (
        PRODUCER_SCOPED,
        lambda w, by: producers.producer_photo_delete(photo=w["photo"], by=by),
    ),
    "order_part_confirm": (PRODUCER_SCOPED, lambda w, by: orders.order_part_confirm(part=w["part"], by=by)),
    "order_part_mark_shipped": (
        PRODUCER_SCOPED,
        lambda w, by: orders.order_part_mark_shipped(part=w["part"], tracking_code="VN2", by=by),
    ),
    "order_part_mark_delivered": (
        PRODUCER_SCOPED,
        lambda w, by: orders.order_part_mark_delivered(part=w["shipped"], by=by),
    ),
    "order_part_cancel": (
        PRODUCER_SCOPED,
        lambda w, by: orders.order_part_cancel(part=w["part"], by=by, reason="Hết hàng"),
    ),
    "product_translation_set": (
        PRODUCER_SCOPED,
        lambda w, by: catalog.product_translation_set(
            product=w["sold"], language_code="en", name="Ground coffee", description="<p>Arabica</p>", by=by
        ),
    ),
    "variant_translation_set": (
        PRODUCER_SCOPED,
        lambda w, by: catalog.variant_translation_set(
            variant=w["variant"], language_code="en", name="Bag", by=by
        ),
    ),
    # The shared product groups and collections: staff only.
    "category_translation_set": (
        STAFF_ONLY,
        lambda w, by: catalog.category_translation_set(
            category=category(), language_code="en", name="Beverages", by=by
        ),
    ),
    "collection_translation_set": (
        STAFF_ONLY,
        lambda w, by: catalog.collection_translation_set(
            collection=Collection.objects.get(slug="featured-products"),
            language_code="en",
            name="Featured",
            by=by,
        ),
    ),
    "page_translation_set": (
        STAFF_ONLY,
        lambda w, by: content.page_translation_set(
            page=Page.objects.get(slug="about"), language_code="en", title="About us", by=by
        ),
    ),
    "menu_item_translation_set": (
        STAFF_ONLY,
        lambda w, by: content.menu_item_translation_set(
            menu_item=MenuItem.objects.filter(menu__slug="navbar").first(),
            language_code="en",
            name="Drinks",
            by=by,
        ),
    ),
    # A producer's own promo codes; the marketplace's (whole order, platform-funded) are staff's.
    "voucher_create": (
        PRODUCER_SCOPED,
        lambda w, by: discounts.voucher_create(
            producer=w["producer"], code="MOI-10", value_type="percentage", value=10, by=by
        ),
    ),
    "voucher_deactivate": (
        PRODUCER_SCOPED,
        lambda w, by: discounts.voucher_deactivate(voucher=w["own_voucher"], by=by),
    ),
    "voucher_create_platform": (
        STAFF_ONLY,
        lambda w, by: discounts.voucher_create(
            producer=None, code="SAN-MOI", value_type="fixed", value=10_000, by=by
        ),
    ),
    "voucher_deactivate_platform": (
        STAFF_ONLY,
        lambda w, by: discounts.voucher_deactivate(voucher=w["platform_voucher"], by=by),
    ),
    # Money received confirms every producer's part: staff (or reconciliation) only, never a member.
    "order_mark_paid": (STAFF_ONLY, lambda w, by: orders.order_mark_paid(order=w["order"], by=by)),
    **MONEY_SERVICES,
    # Personal-data deletion: the account's own user only (a plain shopper; the walk's "shopper").
    "account_delete": (
        {"shopper"},
        lambda w, by: accounts.account_delete(
            user=w["actors"]["shopper"],
            token=accounts.account_deletion_tokens.make_token(w["actors"]["shopper"]),
            by=by,
        ),
    ),
}


def fresh(world: dict) -> dict:
    """The world's objects read again: an earlier (rolled back) call may have changed them in memory."""
    return {
        key: type(value).objects.get(pk=value.pk) if hasattr(value, "_meta") else value
        for key, value in world.items()
    }


MONEY_MODELS = [
    LedgerEntry,
    PayoutBatch,
    PayoutItem,
    Refund,
    ReturnRequest,
    BankNotification,
    BankAccount,
    BankAccountChange,
    CodRemittance,
    OrderRefund,
    OrderEvent,
]


def snapshot() -> dict:
    models = [
        Product,
        ProductVariant,
        Stock,
        ProductImage,
        ProductModeration,
        Producer,
        ProducerPhoto,
        ProducerMembership,
        Order,
        OrderPart,
        Payment,
        *MONEY_MODELS,
        ProductTranslation,
        ProductVariantTranslation,
        CategoryTranslation,
        CollectionTranslation,
        PageTranslation,
        MenuItemTranslation,
        Voucher,
        User,
        Address,
        ProducerShipping,
    ]
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in models}


@pytest.mark.parametrize("name", list(SERVICES))
def test_policy_matrix(world, name):
    allowed, call = SERVICES[name]
    for actor in ACTORS:
        with transaction.atomic():
            w = fresh(world)
            before = snapshot()
            if actor in allowed:
                call(w, world["actors"][actor])
                assert snapshot() != before, (name, actor)
            else:
                with pytest.raises(PermissionDenied):
                    call(w, world["actors"][actor])
                assert snapshot() == before, (name, actor)
            transaction.set_rollback(True)


@pytest.mark.parametrize("name", list(SERVICES))
def test_none_is_refused_and_system_actors_pass(world, name):
    _, call = SERVICES[name]
    before = snapshot()
    with pytest.raises(PermissionDenied):
        call(world, None)
    assert snapshot() == before
    with transaction.atomic():
        if name in SYSTEM_REFUSED:
            with pytest.raises(PermissionDenied):
                call(fresh(world), SYSTEM_TASK)
            assert snapshot() == before
        else:
            call(fresh(world), SYSTEM_TASK)
            assert snapshot() != before
        transaction.set_rollback(True)


@pytest.mark.parametrize("name", list(MONEY_READS))
def test_money_reads_matrix(world, name):
    """A producer's money is read by its members and permitted staff; everyone else is refused."""
    allowed, call = MONEY_READS[name]
    for actor in ACTORS:
        if actor in allowed:
            assert call(world, world["actors"][actor]) is not None, (name, actor)
        else:
            with pytest.raises(PermissionDenied):
                call(world, world["actors"][actor])
    with pytest.raises(PermissionDenied):
        call(world, None)
