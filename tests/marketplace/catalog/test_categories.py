"""Category reads."""

import pytest

from marketplace.catalog.models import Category
from marketplace.catalog.selectors import categories_with_parents

pytestmark = pytest.mark.django_db


def test_categories_come_with_their_parents_in_one_query(django_assert_num_queries):
    drinks = Category.objects.get(slug="do-uong")
    Category.objects.create(name="Cà phê", slug="ca-phe", parent=drinks)
    with django_assert_num_queries(1):
        categories = {category.slug: category for category in categories_with_parents()}
        assert categories["ca-phe"].parent.slug == "do-uong"
        assert categories["do-uong"].parent is None
