from django.http import Http404
from django.shortcuts import get_object_or_404, render

from marketplace.catalog.models import Product
from marketplace.catalog.selectors import (
    ShopperAccess,
    latest_certification,
    product_shopper_access,
    products_visible_to_shoppers,
    with_shopper_relations,
)
from marketplace.producers.models import Producer


def home(request):
    products = with_shopper_relations(products_visible_to_shoppers().order_by("-created_at", "id"))[:24]
    return render(request, "storefront/home.html", {"products": products})


def product_detail(request, slug: str):
    product = get_object_or_404(Product.objects.select_related("producer", "category"), slug=slug)
    access = product_shopper_access(product=product)
    if access is ShopperAccess.NOT_FOUND:
        raise Http404("No such product")
    if access in (ShopperAccess.EXPIRED, ShopperAccess.REVOKED):
        context = {
            "product": product,
            "access": access.value,
            "certification": latest_certification(product=product),
        }
        return render(request, "storefront/product_gone.html", context, status=410)
    product = with_shopper_relations(Product.objects.filter(pk=product.pk)).get()
    return render(request, "storefront/product_detail.html", {"product": product})


def producer_detail(request, slug: str):
    producer = get_object_or_404(Producer, slug=slug)
    products = with_shopper_relations(
        products_visible_to_shoppers().filter(producer=producer).order_by("name")
    )
    return render(request, "storefront/producer_detail.html", {"producer": producer, "products": products})
