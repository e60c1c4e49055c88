"""Bench-only URLconf (see bench/ceiling.py): the site's URLs and the ceiling view."""

from django.urls import path

from bench.ceiling import CEILING_PATH, ceiling
from marketplace.urls import urlpatterns as site_urlpatterns

urlpatterns = [path(CEILING_PATH.strip("/") + "/", ceiling), *site_urlpatterns]

handler404 = "storefront.error_views.page_not_found"
handler500 = "storefront.error_views.server_error"
