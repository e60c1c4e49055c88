"""The one visibility rule, over every combination of published / hidden / certification state."""

import datetime
import itertools

import pytest
from django.utils import timezone

from marketplace.catalog.selectors import (
    ShopperAccess,
    product_shopper_access,
    products_visible_to_shoppers,
    visible_product_for_page,
)
from marketplace.certification.models import CertificationState
from tests.factories import CertificationFactory, DecisionFactory, ModerationFactory, ProductFactory

TODAY = datetime.date(2026, 11, 22)

# certificate situations: (label, builder) -> expected access when published and not hidden
CERT_CASES = {
    "none": ShopperAccess.NOT_FOUND,
    "active": ShopperAccess.VISIBLE,
    "active_last_day": ShopperAccess.VISIBLE,
    "active_but_past_valid_until": ShopperAccess.EXPIRED,  # the daily task has not run yet
    "expired": ShopperAccess.EXPIRED,
    "revoked": ShopperAccess.REVOKED,
    "superseded_only": ShopperAccess.EXPIRED,
}


def build_certificate(product, case: str) -> None:
    if case == "none":
        return
    if case == "active":
        CertificationFactory(
            product=product, decision=DecisionFactory(date=TODAY - datetime.timedelta(days=100))
        )
    elif case == "active_last_day":
        decision = DecisionFactory(date=datetime.date(2023, 11, 22))  # + 36 months = today
        CertificationFactory(product=product, decision=decision)
    elif case == "active_but_past_valid_until":
        CertificationFactory(product=product, decision=DecisionFactory(date=datetime.date(2023, 11, 21)))
    elif case == "expired":
        CertificationFactory(
            product=product,
            decision=DecisionFactory(date=datetime.date(2022, 1, 5)),
            state=CertificationState.EXPIRED,
        )
    elif case == "revoked":
        revocation = DecisionFactory(kind="revocation")
        CertificationFactory(product=product, state=CertificationState.REVOKED, revoked_by=revocation)
    elif case == "superseded_only":
        CertificationFactory(product=product, state=CertificationState.SUPERSEDED)


def suspend_producer(product) -> None:
    """The seller suspended by staff (issue 16), through the real service."""
    from marketplace.producers.services import producer_suspend
    from tests.factories import StaffFactory

    producer_suspend(producer=product.producer, by=StaffFactory(is_superuser=True), reason="Hàng giả")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("published", "hidden", "unhidden_before", "suspended", "cert_case"),
    list(itertools.product([True, False], [True, False], [True, False], [False, True], list(CERT_CASES))),
)
def test_visibility_matrix(published, hidden, unhidden_before, suspended, cert_case):
    product = ProductFactory(is_published=published)
    if unhidden_before:
        ModerationFactory(product=product, unhidden_at=timezone.now())  # an old hiding, undone
    if hidden:
        ModerationFactory(product=product)
    build_certificate(product, cert_case)
    if suspended:
        suspend_producer(product)
    ProductFactory()  # an unrelated product without certificate never leaks in

    expected = CERT_CASES[cert_case]
    if hidden or suspended or not published:
        expected = ShopperAccess.NOT_FOUND

    visible_ids = list(products_visible_to_shoppers(today=TODAY).values_list("pk", flat=True))
    assert visible_ids == ([product.pk] if expected is ShopperAccess.VISIBLE else [])
    assert product_shopper_access(product=product, today=TODAY) is expected
    page_product = visible_product_for_page(slug=product.slug, today=TODAY)
    assert (page_product is not None) is (expected is ShopperAccess.VISIBLE)


@pytest.mark.django_db
def test_reissue_after_expiry_makes_product_visible_again():
    product = ProductFactory()
    CertificationFactory(
        product=product,
        decision=DecisionFactory(date=datetime.date(2021, 1, 5)),
        state=CertificationState.EXPIRED,
    )
    assert product_shopper_access(product=product, today=TODAY) is ShopperAccess.EXPIRED
    CertificationFactory(product=product, decision=DecisionFactory(date=datetime.date(2026, 1, 5)))
    assert product_shopper_access(product=product, today=TODAY) is ShopperAccess.VISIBLE


@pytest.mark.django_db
def test_product_page_read_sees_changes_since_the_last_read():
    """Its query is built once a day and cloned; no result is kept between calls."""
    product = ProductFactory()
    assert visible_product_for_page(slug=product.slug, today=TODAY) is None
    CertificationFactory(product=product, decision=DecisionFactory(date=TODAY - datetime.timedelta(days=10)))
    shown = visible_product_for_page(slug=product.slug, today=TODAY)
    assert shown == product and shown.active_certification_list[0].stars == 4
    ModerationFactory(product=product)
    assert visible_product_for_page(slug=product.slug, today=TODAY) is None
