"""Available stock has one definition: `Stock.quantity_available` in Python and `stock_available()` in SQL."""

import pytest

from marketplace.catalog.models import Stock, stock_available, units_available
from tests.factories import VariantFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("quantity", "allocated"), [(0, 0), (5, 0), (5, 4), (5, 5), (3, 7), (9, 6)])
def test_sql_and_python_agree_on_available_units(quantity, allocated):
    variant = VariantFactory(stock__quantity=quantity)
    Stock.objects.filter(variant=variant).update(quantity_allocated=allocated)
    variant = type(variant).objects.select_related("stock").get(pk=variant.pk)
    units = units_available(variant)
    assert units == max(quantity - allocated, 0)
    for more_than in (0, 1, 2):
        in_sql = Stock.objects.filter(stock_available(more_than=more_than), variant=variant).exists()
        through_relation = type(variant).objects.filter(
            stock_available("stock__", more_than=more_than), pk=variant.pk
        )
        assert in_sql == through_relation.exists() == (units > more_than)


def test_a_variant_without_a_stock_row_has_nothing_available():
    variant = VariantFactory(stock=None)
    assert not Stock.objects.filter(variant=variant).exists()
    assert units_available(variant) == 0
