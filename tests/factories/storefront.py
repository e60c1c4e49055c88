"""Catalogue builders for storefront and search tests: one product in each state a shopper must not see."""

import datetime

from django.utils import timezone

from marketplace.certification.models import CertificationState, DecisionKind
from tests.factories import (
    CertificationFactory,
    DecisionFactory,
    ModerationFactory,
    ProductFactory,
    VariantFactory,
    visible_product,
)


def hidden_product(**fields):
    product = visible_product(**fields)
    ModerationFactory(product=product)
    return product


def unpublished_product(**fields):
    product = ProductFactory(is_published=False, **fields)
    CertificationFactory(product=product)
    VariantFactory(product=product)
    return product


def expired_product(**fields):
    product = ProductFactory(**fields)
    old = DecisionFactory(date=timezone.localdate() - datetime.timedelta(days=365 * 4))
    CertificationFactory(product=product, decision=old, state=CertificationState.EXPIRED)
    VariantFactory(product=product)
    return product


def lapsed_product(**fields):
    """Past valid_until but still `active` in the table (the daily expiry task has not run yet)."""
    product = ProductFactory(**fields)
    old = DecisionFactory(date=timezone.localdate() - datetime.timedelta(days=365 * 4))
    CertificationFactory(product=product, decision=old, state=CertificationState.ACTIVE)
    VariantFactory(product=product)
    return product


def revoked_product(**fields):
    product = ProductFactory(**fields)
    revocation = DecisionFactory(kind=DecisionKind.REVOCATION, number="99/QĐ-UBND-TH")
    CertificationFactory(product=product, state=CertificationState.REVOKED, revoked_by=revocation)
    VariantFactory(product=product)
    return product


def invisible_products(prefix: str = "Cà phê Sơn La", producer=None) -> dict:
    """Hidden, unpublished, expired, lapsed and revoked products whose names match `prefix` searches."""
    extra = {"producer": producer} if producer is not None else {}
    return {
        "hidden": hidden_product(name=f"{prefix} ẩn", slug="an-hidden", **extra),
        "unpublished": unpublished_product(name=f"{prefix} chưa đăng", slug="an-unpublished", **extra),
        "expired": expired_product(name=f"{prefix} hết hạn", slug="an-expired", **extra),
        "lapsed": lapsed_product(name=f"{prefix} quá hạn", slug="an-lapsed", **extra),
        "revoked": revoked_product(name=f"{prefix} thu hồi", slug="an-revoked", **extra),
    }
