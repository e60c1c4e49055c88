"""catalog.services.product_translation_set: who may translate, bounds, language codes, removal."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from marketplace.catalog import services
from marketplace.catalog.models import ProductTranslation
from tests.factories import MembershipFactory, ProductFactory

pytestmark = pytest.mark.django_db


def test_a_member_translates_their_product_and_empty_fields_remove_it():
    member = MembershipFactory()
    product = ProductFactory(producer=member.producer)
    translation = services.product_translation_set(
        product=product, language_code="en", name="  Black garlic ", description="<p>Aged</p>", by=member.user
    )
    assert (translation.language_code, translation.name, translation.slug) == (
        "en",
        "Black garlic",
        "black-garlic",
    )
    assert (
        services.product_translation_set(product=product, language_code="en", name="", by=member.user) is None
    )
    assert not ProductTranslation.objects.exists()


def test_another_producer_cannot_translate_and_nothing_changes():
    product = ProductFactory()
    services.product_translation_set(
        product=product, language_code="en", name="Tea", by=MembershipFactory(producer=product.producer).user
    )
    stranger = MembershipFactory().user
    with pytest.raises(PermissionDenied):
        services.product_translation_set(product=product, language_code="en", name="Hacked", by=stranger)
    assert list(ProductTranslation.objects.values_list("name", flat=True)) == ["Tea"]


@pytest.mark.parametrize(
    ("language_code", "name", "field"),
    [
        ("xx", "Tea", "language_code"),
        ("vi", "Trà", "language_code"),  # Vietnamese is the source: edit the product itself
        ("en", "T" * 256, "name"),
    ],
)
def test_refusals_change_nothing(language_code, name, field):
    member = MembershipFactory()
    product = ProductFactory(producer=member.producer)
    with pytest.raises(ValidationError) as refused:
        services.product_translation_set(
            product=product, language_code=language_code, name=name, by=member.user
        )
    assert field in refused.value.message_dict
    assert not ProductTranslation.objects.exists()


def test_description_is_bounded_after_sanitising():
    member = MembershipFactory()
    product = ProductFactory(producer=member.producer)
    with pytest.raises(ValidationError) as refused:
        services.product_translation_set(
            product=product, language_code="en", name="Tea", description="x" * 20_001, by=member.user
        )
    assert "description" in refused.value.message_dict
    assert not ProductTranslation.objects.exists()


def test_translated_slugs_stay_unique_within_a_language():
    member = MembershipFactory()
    first, second = ProductFactory(producer=member.producer), ProductFactory(producer=member.producer)
    services.product_translation_set(product=first, language_code="en", name="Green tea", by=member.user)
    again = services.product_translation_set(
        product=second, language_code="en", name="Green tea", by=member.user
    )
    other = services.product_translation_set(
        product=second, language_code="fr", name="Green tea", by=member.user
    )
    assert (again.slug, other.slug) == ("green-tea-2", "green-tea")
