"""The site's URLs plus one view that fails, to see the 500 page through the whole stack."""

from django.urls import path

from marketplace.urls import handler404, handler500
from marketplace.urls import urlpatterns as site_urlpatterns

__all__ = ["handler404", "handler500", "urlpatterns"]


def boom(request):
    raise RuntimeError("secret-internal-detail")


urlpatterns = [path("boom/", boom), *site_urlpatterns]
