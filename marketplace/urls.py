from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from marketplace.core import views as core_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("robots.txt", core_views.robots_txt, name="robots"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("graphql/", include("marketplace.graphql.urls")),
    path("seller/", include("storefront.seller.urls")),
    path("", include("storefront.checkout_urls")),
    path("", include("storefront.urls")),
]
# The site's own error pages in its layout and language (Django's are bare English).
handler404 = "storefront.error_views.page_not_found"
handler500 = "storefront.error_views.server_error"

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
