"""Two producers, each with a member, and one of everything for producer A (shared by the portal tests)."""

import dataclasses

from django.core.files.base import ContentFile
from django.forms.models import model_to_dict

from marketplace.catalog.models import (
    Product,
    ProductImage,
    ProductModeration,
    ProductTranslation,
    ProductVariant,
    Stock,
)
from marketplace.catalog.services import product_image_add
from marketplace.discounts.models import Voucher
from marketplace.orders.models import Order, OrderPart
from marketplace.payments.models import PaymentMethod
from marketplace.producers.models import Producer, ProducerPhoto
from marketplace.producers.policies import SYSTEM_TASK
from tests.factories import (
    CertificationFactory,
    ProducerFactory,
    ProductFactory,
    StaffFactory,
    UserFactory,
    VariantFactory,
)
from tests.factories.orders import place_order
from tests.factories.portal import image_bytes, member_of, png_upload


@dataclasses.dataclass
class World:
    producer_a: Producer
    producer_b: Producer
    owner_a: object
    member_b: object
    shopper: object
    staff: object
    product: Product
    variant: ProductVariant
    image: ProductImage
    claimable: Product
    photo: ProducerPhoto
    product_b: Product
    order: Order
    part_a: OrderPart
    part_b: OrderPart
    voucher_a: Voucher


def build_world() -> World:
    producer_a = ProducerFactory(name="HTX Cà phê A", slug="htx-a", email="a@htx.vn")
    producer_b = ProducerFactory(name="HTX Chè B", slug="htx-b")
    owner_a = member_of(producer_a, email="owner-a@example.vn")
    member_b = member_of(producer_b, email="member-b@example.vn", role="staff")
    product = ProductFactory(producer=producer_a, name="Cà phê A", slug="ca-phe-a", is_published=True)
    CertificationFactory(product=product, stars=4)
    variant = VariantFactory(product=product, sku="A-1", price_amount=185_000, stock__quantity=20)
    image = product_image_add(product=product, uploaded_file=png_upload(), by=SYSTEM_TASK)
    claimable = ProductFactory(producer=producer_a, name="Chè A nhập", slug="che-a-nhap", is_published=False)
    CertificationFactory(product=claimable, stars=3)
    photo = ProducerPhoto(producer=producer_a, alt="Vườn")
    photo.image.save("a.png", ContentFile(image_bytes()), save=False)
    photo.save()
    product_b = ProductFactory(producer=producer_b, name="Chè B", slug="che-b", is_published=True)
    CertificationFactory(product=product_b)
    variant_b = VariantFactory(product=product_b, sku="B-1")
    # One order with a part for each producer, paid by bank transfer (not yet received).
    order = place_order((variant, 2), (variant_b, 1), payment_method=PaymentMethod.BANK_TRANSFER)
    voucher_a = Voucher.objects.create(producer=producer_a, code="CAPHE-A", value_type="percentage", value=10)
    return World(
        voucher_a=voucher_a,
        producer_a=producer_a,
        producer_b=producer_b,
        owner_a=owner_a,
        member_b=member_b,
        shopper=UserFactory(email="shopper@example.vn"),
        staff=StaffFactory(email="staff@example.vn", is_superuser=True),
        product=product,
        variant=variant,
        image=image,
        claimable=claimable,
        photo=photo,
        product_b=product_b,
        order=order,
        part_a=order.parts.get(producer=producer_a),
        part_b=order.parts.get(producer=producer_b),
    )


def snapshot() -> dict:
    """Everything a portal request could change, to assert a denied request changed nothing."""

    def rows(model, exclude=()):
        return sorted(
            (tuple(sorted((k, str(v)) for k, v in model_to_dict(obj).items() if k not in exclude)))
            for obj in model.objects.all()
        )

    return {
        "products": sorted(
            Product.objects.values_list("pk", "name", "description", "is_published", "category_id")
        ),
        "variants": rows(ProductVariant),
        "stock": sorted(Stock.objects.values_list("variant_id", "quantity", "quantity_allocated")),
        "images": sorted(ProductImage.objects.values_list("pk", "product_id", "image", "alt")),
        "producers": rows(Producer),
        "photos": sorted(ProducerPhoto.objects.values_list("pk", "producer_id", "image")),
        "moderations": sorted(ProductModeration.objects.values_list("pk", "product_id", "unhidden_at")),
        "orders": sorted(Order.objects.values_list("pk", "status", "payment_state", "paid_at")),
        "parts": sorted(OrderPart.objects.values_list("pk", "status", "tracking_code", "shipped_at")),
        "translations": sorted(ProductTranslation.objects.values_list("product_id", "language_code", "name")),
        "vouchers": sorted(Voucher.objects.values_list("pk", "producer_id", "code", "is_active")),
    }
