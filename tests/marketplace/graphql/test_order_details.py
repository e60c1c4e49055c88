"""Query.order, OrderLine.variant/thumbnail, Order.statusDisplay/paymentStatus and fulfilments (issue 13),
in the shapes the Saleor storefront's order pages and order confirmation use."""

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from marketplace.orders.models import OrderPart
from marketplace.orders.services import order_part_confirm, order_part_mark_shipped
from tests.factories import MembershipFactory, ModerationFactory, StaffFactory, UserFactory
from tests.factories.graphql import PNG
from tests.factories.orders import buyable_variant, place_order

pytestmark = pytest.mark.django_db

ADDRESS_FIELDS = "firstName streetAddress1 city countryArea country { code } phone"
ORDER_FIELDS = f"""
  id number created status statusDisplay paymentStatus paymentStatusDisplay isPaid
  shippingAddress {{ {ADDRESS_FIELDS} }}
  billingAddress {{ {ADDRESS_FIELDS} }}
  subtotal {{ gross {{ amount currency }} }}
  shippingPrice {{ gross {{ amount currency }} }}
  total {{ gross {{ amount currency }} tax {{ amount currency }} }}
  lines {{
    id quantity productName variantName
    unitPrice {{ gross {{ amount }} }}
    undiscountedUnitPrice {{ gross {{ amount }} }}
    thumbnail(size: 128, format: WEBP) {{ alt url }}
    variant {{
      id name
      product {{ id name slug thumbnail {{ url alt }} category {{ id name }} }}
      pricing {{ price {{ gross {{ amount currency }} }} }}
    }}
  }}
  fulfillments {{
    id status created trackingNumber fulfillmentOrder statusDisplay
    lines {{ id quantity orderLine {{ id }} }}
  }}
"""
ORDER = f"query Order($id: ID!) {{ order(id: $id) {{ {ORDER_FIELDS} }} }}"
# The account page's list (the storefront's order-details fragment shape) with fulfilments.
MY_ORDERS = """
query MyOrders($first: Int, $after: String) {
  me {
    id email
    orders(first: $first, after: $after) {
      edges {
        node {
          id number created status statusDisplay paymentStatus
          total { gross { amount currency } }
          channel { slug }
          deliveryMethod { __typename ... on ShippingMethod { id name price { amount } } }
          totalBalance { amount } totalCaptured { amount } totalCharged { amount }
          lines {
            quantity thumbnail { url }
            variant {
              id name
              product { id name slug thumbnail { url alt } category { id name } }
              pricing { price { gross { amount currency } } }
            }
          }
          fulfillments { trackingNumber lines { quantity orderLine { id } } }
          voucherCode voucher { code } discounts { type total { amount } } chargeStatus authorizeStatus
          transactions { id name pspReference chargedAmount { amount } }
        }
        cursor
      }
      pageInfo { hasNextPage endCursor }
      totalCount
    }
  }
}
"""


def gid(type_name: str, key) -> str:
    import base64

    return base64.b64encode(f"{type_name}:{key}".encode()).decode()


def _with_image(variant):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from marketplace.catalog.models import ProductImage

    ProductImage.objects.create(
        product=variant.product,
        image=SimpleUploadedFile(f"{variant.product.slug}.png", PNG, "image/png"),
        alt="Chai mật ong",
    )
    return variant


@pytest.fixture
def world():
    buyer = UserFactory(email="lan@example.vn")
    honey_member = MembershipFactory()
    tea = MembershipFactory()
    honey = _with_image(buyable_variant(price=185_000, producer=honey_member.producer, name="Mật ong bạc hà"))
    green_tea = buyable_variant(price=90_000, producer=tea.producer, name="Trà Shan tuyết")
    order = place_order((honey, 2), (green_tea, 1), user=buyer)
    part = OrderPart.objects.get(order=order, producer=honey_member.producer)
    order_part_confirm(part=part, by=honey_member.user)
    order_part_mark_shipped(part=part, by=honey_member.user, tracking_code="VN0012345")
    order.refresh_from_db()
    part.refresh_from_db()
    return {"buyer": buyer, "order": order, "honey": honey, "tea": green_tea, "shipped": part}


def test_the_buyer_reads_the_order_with_lines_variants_thumbnails_and_fulfilments(api, world):
    order, honey, tea, shipped = world["order"], world["honey"], world["tea"], world["shipped"]
    honey_line = shipped.lines.get()
    body = api.data(ORDER, {"id": gid("Order", order.token)}, user=world["buyer"])["order"]
    assert body["id"] == gid("Order", order.token)
    assert body["number"] == order.number
    assert (body["status"], body["statusDisplay"]) == ("UNCONFIRMED", "Chờ xác nhận")
    assert (body["paymentStatus"], body["paymentStatusDisplay"], body["isPaid"]) == (
        "NOT_CHARGED",
        "Chưa thanh toán",
        False,
    )
    assert body["shippingAddress"] == {
        "firstName": "Nguyễn Thị Lan",
        "streetAddress1": "12 đường Chu Văn Thịnh",
        "city": "Phường Tô Hiệu",
        "countryArea": "Sơn La",
        "country": {"code": "VN"},
        "phone": "0912 345 678",
    }
    assert body["billingAddress"] is None
    assert body["total"]["gross"] == {"amount": float(order.total_amount), "currency": "VND"}
    assert body["subtotal"]["gross"]["amount"] == 2 * 185_000 + 90_000
    lines = {line["productName"]: line for line in body["lines"]}
    assert lines[honey.product.name] == {
        "id": gid("OrderLine", honey_line.pk),
        "quantity": 2,
        "productName": honey.product.name,
        "variantName": honey.name,
        "unitPrice": {"gross": {"amount": 185000.0}},
        "undiscountedUnitPrice": {"gross": {"amount": 185000.0}},
        "thumbnail": {"alt": "Chai mật ong", "url": lines[honey.product.name]["thumbnail"]["url"]},
        "variant": {
            "id": gid("ProductVariant", honey.pk),
            "name": "Gói 500g",
            "product": {
                "id": gid("Product", honey.product.pk),
                "name": honey.product.name,
                "slug": honey.product.slug,
                "thumbnail": {"url": lines[honey.product.name]["thumbnail"]["url"], "alt": "Chai mật ong"},
                "category": {"id": gid("Category", honey.product.category_id), "name": "Đồ uống"},
            },
            "pricing": {"price": {"gross": {"amount": 185000.0, "currency": "VND"}}},
        },
    }
    assert lines[honey.product.name]["thumbnail"]["url"].startswith("http://testserver/")
    assert lines[honey.product.name]["thumbnail"]["url"].endswith(".png")
    assert lines[tea.product.name]["thumbnail"] is None  # no image uploaded
    assert lines["Trà Shan tuyết"]["variant"]["product"]["name"] == tea.product.name
    assert body["fulfillments"] == [
        {
            "id": gid("Fulfillment", shipped.pk),
            "status": "FULFILLED",
            "created": shipped.shipped_at.isoformat(),
            "trackingNumber": "VN0012345",
            "fulfillmentOrder": 1,
            "statusDisplay": "Đang giao",
            "lines": [
                {
                    "id": gid("FulfillmentLine", honey_line.pk),
                    "quantity": 2,
                    "orderLine": {"id": gid("OrderLine", honey_line.pk)},
                }
            ],
        }
    ]


def test_a_line_whose_product_is_no_longer_sold_keeps_its_name_but_not_the_variant(api, world):
    product = world["honey"].product
    ModerationFactory(product=product)  # hidden by a moderator after the order
    body = api.data(ORDER, {"id": gid("Order", world["order"].token)}, user=world["buyer"])["order"]
    line = next(line for line in body["lines"] if line["productName"] == product.name)
    assert (line["variant"], line["thumbnail"], line["quantity"]) == (None, None, 2)


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("anonymous", False),
        ("other_shopper", False),
        ("staff_without_permission", False),
        ("buyer", True),
        ("staff_with_permission", True),
    ],
)
def test_only_the_buyer_and_order_staff_read_an_account_order(api, world, who, sees):
    staff = StaffFactory()
    staff.user_permissions.add(
        Permission.objects.get(content_type__app_label="orders", codename="change_order")
    )
    users = {
        "anonymous": None,
        "other_shopper": UserFactory(),
        "staff_without_permission": StaffFactory(),
        "buyer": world["buyer"],
        "staff_with_permission": staff,
    }
    body = api(ORDER, {"id": gid("Order", world["order"].token)}, user=users[who])
    assert "errors" not in body
    assert (body["data"]["order"] is not None) is sees
    if sees:
        assert body["data"]["order"]["number"] == world["order"].number


def test_a_guest_order_is_read_by_whoever_holds_its_id(api):
    order = place_order((buyable_variant(), 1))
    body = api.data(ORDER, {"id": gid("Order", order.token)})["order"]
    assert (body["number"], body["paymentStatus"], body["fulfillments"]) == (order.number, "NOT_CHARGED", [])
    assert api.data(ORDER, {"id": gid("Order", "00000000-0000-0000-0000-000000000000")}) == {"order": None}


def test_a_malformed_order_id_is_a_graphql_error(api):
    body = api(ORDER, {"id": gid("Product", 1)})
    assert body["data"] == {"order": None}
    assert (
        body["errors"][0]["message"]
        == f"Invalid ID: {gid('Product', 1)}. Expected: Order, received: Product."
    )


def _orders_for(buyer, count: int) -> None:
    for index in range(count):
        member = MembershipFactory()
        variant = _with_image(buyable_variant(producer=member.producer, name=f"Gói {index}"))
        order = place_order((variant, 1), (buyable_variant(), 2), user=buyer)
        part = OrderPart.objects.get(order=order, producer=member.producer)
        order_part_confirm(part=part, by=member.user)
        order_part_mark_shipped(part=part, by=member.user, tracking_code=f"VN{index}")


def _count(api, buyer) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        body = api.data(MY_ORDERS, {"first": 5}, user=buyer)
    return len(queries), len(body["me"]["orders"]["edges"])


def test_my_orders_page_runs_a_constant_number_of_queries(api):
    buyer = UserFactory()
    _orders_for(buyer, 1)
    one, one_edges = _count(api, buyer)
    _orders_for(buyer, 4)
    five, five_edges = _count(api, buyer)
    assert (one_edges, five_edges) == (1, 5)
    assert one == five


PAYMENT_FIELDS = """
query Order($id: ID!) {
  order(id: $id) {
    channel { slug currencyCode }
    deliveryMethod { __typename ... on ShippingMethod { id name price { amount currency } } }
    total { gross { amount } }
    totalCharged { amount currency } totalCaptured { amount } totalBalance { amount currency }
  }
}
"""


def test_an_order_names_its_channel_delivery_and_balance_as_the_confirmation_page_reads_them(api):
    from marketplace.orders.models import Order

    order = place_order((buyable_variant(price=100_000), 2))
    body = api.data(PAYMENT_FIELDS, {"id": gid("Order", order.token)})["order"]
    total = order.total_amount
    assert body == {
        "channel": {"slug": "default-channel", "currencyCode": "VND"},
        "deliveryMethod": {
            "__typename": "ShippingMethod",
            "id": gid("ShippingMethod", "standard"),
            "name": "Giao hàng tiêu chuẩn",
            "price": {"amount": order.shipping_amount, "currency": "VND"},
        },
        "total": {"gross": {"amount": total}},
        "totalCharged": {"amount": 0, "currency": "VND"},
        "totalCaptured": {"amount": 0},
        "totalBalance": {"amount": -total, "currency": "VND"},
    }
    Order.objects.filter(pk=order.pk).update(payment_state="paid")
    paid = api.data(PAYMENT_FIELDS, {"id": gid("Order", order.token)})["order"]
    assert (
        paid["totalCharged"]["amount"],
        paid["totalCaptured"]["amount"],
        paid["totalBalance"]["amount"],
    ) == (
        total,
        total,
        0,
    )


@pytest.mark.parametrize(
    ("ours", "saleor"),
    [
        ("unconfirmed", "UNCONFIRMED"),
        ("confirmed", "UNFULFILLED"),
        ("shipped", "FULFILLED"),
        ("delivered", "FULFILLED"),
        ("cancelled", "CANCELED"),
        ("refunded", "RETURNED"),
    ],
)
def test_every_order_status_maps_onto_saleors(ours, saleor):
    from marketplace.graphql.checkout.types import ORDER_STATUS
    from marketplace.orders.models import OrderStatus as DomainStatus

    assert set(ORDER_STATUS) == set(DomainStatus.values)
    assert ORDER_STATUS[ours].name == saleor
