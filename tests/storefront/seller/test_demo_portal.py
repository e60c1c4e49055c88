"""The demo producer accounts (`make run`) open every portal page."""

import pytest
from django.core.management import call_command
from django.test import Client

from marketplace.accounts.models import User


@pytest.mark.django_db
def test_demo_producer_sees_its_portal(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("load_demo", verbosity=0)
    client = Client()
    client.force_login(User.objects.get(email="bichthao@demo.ocop.vn"))
    response = client.get("/seller/")
    assert response.status_code == 302
    slug = response["Location"].split("/")[2]
    for path in ("", "products/", "claim/", "orders/?show=all", "profile/"):
        assert client.get(f"/seller/{slug}/{path}").status_code == 200, path
    for product_path in [f"products/{pk}/" for pk in _product_ids(slug)]:
        assert client.get(f"/seller/{slug}/{product_path}").status_code == 200, product_path


def _product_ids(slug: str) -> list[int]:
    from marketplace.catalog.models import Product

    return list(Product.objects.filter(producer__slug=slug).values_list("pk", flat=True)[:5])
