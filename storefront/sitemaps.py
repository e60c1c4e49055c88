"""/sitemap.xml: only what a shopper may see (visible products, producers that have some, product groups)."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from marketplace.catalog.models import Category
from marketplace.catalog.selectors import products_visible_to_shoppers
from marketplace.producers.models import Producer


class ProductSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.8
    limit = 5000

    def items(self):
        return products_visible_to_shoppers().only("slug", "updated_at").order_by("id")

    def location(self, item):
        return reverse("storefront:product", args=[item.slug])

    def lastmod(self, item):
        return item.updated_at


class ProducerSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.6
    limit = 5000

    def items(self):
        visible = products_visible_to_shoppers().values("producer_id")
        return Producer.objects.filter(pk__in=visible).only("slug", "updated_at").order_by("id")

    def location(self, item):
        return reverse("storefront:producer", args=[item.slug])

    def lastmod(self, item):
        return item.updated_at


class CategorySitemap(Sitemap):
    changefreq = "daily"
    priority = 0.5

    def items(self):
        return Category.objects.only("slug").order_by("sort_order", "id")

    def location(self, item):
        return reverse("storefront:category", args=[item.slug])


SITEMAPS = {"products": ProductSitemap, "producers": ProducerSitemap, "categories": CategorySitemap}
