"""factory_boy factories shared by the whole suite."""

import datetime

import factory
from django.utils import timezone

from marketplace.accounts.models import User
from marketplace.catalog.models import Category, Product, ProductModeration, ProductVariant, Stock
from marketplace.certification.models import (
    Certification,
    CertificationState,
    Decision,
    DecisionKind,
    IssuerLevel,
)
from marketplace.certification.services import certificate_valid_until
from marketplace.producers.models import MembershipRole, Producer, ProducerKind, ProducerMembership


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.vn")
    password = factory.PostGenerationMethodCall("set_password", "pass-word-123")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class StaffFactory(UserFactory):
    is_staff = True


def staff_with(*permissions: str) -> User:
    """A staff user holding exactly these "app_label.codename" permissions (no superuser shortcut)."""
    from django.contrib.auth.models import Permission

    user = StaffFactory()
    for permission in permissions:
        app_label, codename = permission.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return User.objects.get(pk=user.pk)  # a fresh instance: no stale permission cache


def moderator() -> User:
    """Staff who may hide and unhide products (and nothing else)."""
    return staff_with("catalog.add_productmoderation", "catalog.change_productmoderation")


class ProducerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Producer

    name = factory.Sequence(lambda n: f"HTX Nông sản {n}")
    slug = factory.Sequence(lambda n: f"htx-nong-san-{n}")
    kind = ProducerKind.COOPERATIVE
    province = "son-la"
    address = "xã Chiềng Cọ, Sơn La"
    registration_code = factory.Sequence(lambda n: f"55{n:08d}")
    # Verified by staff: a seller must be before its products can be published (issue 16).
    verified_at = factory.LazyFunction(timezone.now)
    verified_document = "tax_code"
    verified_code = factory.LazyAttribute(lambda o: o.registration_code)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProducerMembership

    producer = factory.SubFactory(ProducerFactory)
    user = factory.SubFactory(UserFactory)
    role = MembershipRole.OWNER


def category(slug: str = "do-uong") -> Category:
    return Category.objects.get(slug=slug)


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    producer = factory.SubFactory(ProducerFactory)
    category = factory.LazyFunction(category)
    name = factory.Sequence(lambda n: f"Cà phê Arabica {n}")
    slug = factory.Sequence(lambda n: f"ca-phe-arabica-{n}")
    is_published = True


class VariantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductVariant
        skip_postgeneration_save = True

    product = factory.SubFactory(ProductFactory)
    sku = factory.Sequence(lambda n: f"SKU-{n:06d}")
    name = "Gói 500g"
    price_amount = 185_000
    stock = factory.RelatedFactory("tests.factories.StockFactory", factory_related_name="variant")


class StockFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Stock

    variant = factory.SubFactory(VariantFactory, stock=None)
    quantity = 50


class DecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Decision

    number = factory.Sequence(lambda n: f"{1000 + n}/QĐ-UBND")
    date = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=200))
    issuer = "UBND tỉnh Sơn La"
    level = IssuerLevel.PROVINCE
    kind = DecisionKind.RECOGNITION


class CertificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Certification

    product = factory.SubFactory(ProductFactory)
    decision = factory.SubFactory(DecisionFactory)
    stars = 4
    valid_from = factory.LazyAttribute(lambda o: o.decision.date)
    valid_until = factory.LazyAttribute(lambda o: certificate_valid_until(o.decision.date))
    state = CertificationState.ACTIVE


class ModerationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductModeration

    product = factory.SubFactory(ProductFactory)
    reason = "Vi phạm an toàn thực phẩm"
    hidden_by = factory.SubFactory(StaffFactory)


def visible_product(*, stars: int = 4, price: int = 185_000, quantity: int = 50, **product_fields) -> Product:
    """A product a shopper can see and buy: published, certified today, one variant in stock."""
    product = ProductFactory(**product_fields)
    CertificationFactory(product=product, stars=stars)
    VariantFactory(product=product, price_amount=price, stock__quantity=quantity)
    return product
