from django.contrib.sitemaps.views import sitemap
from django.urls import path

from storefront import page_views, review_views, trust_views, views
from storefront.sitemaps import SITEMAPS

app_name = "storefront"

urlpatterns = [
    path("", views.home, name="home"),
    path("products/", views.product_list, name="products"),
    path("products/<slug:slug>/", views.product_detail, name="product"),
    path("producers/<slug:slug>/", views.producer_detail, name="producer"),
    path("categories/<slug:slug>/", views.category_detail, name="category"),
    path("search/", views.search, name="search"),
    path("v/<str:code>/", trust_views.certificate_verify, name="certificate"),
    path("decisions/<int:pk>/", trust_views.decision_detail, name="decision"),
    path("decisions/<int:pk>/source/", trust_views.decision_source, name="decision_source"),
    path("pages/<slug:slug>/", page_views.page_detail, name="page"),
    path("open-data/certificates.csv", trust_views.open_data_csv, name="open_data_csv"),
    path("open-data/certificates.json", trust_views.open_data_json, name="open_data_json"),
    path("reviews/lines/<int:line_id>/", review_views.review_create, name="review_create"),
    path("reviews/<int:review_id>/report/", review_views.review_report, name="review_report"),
    path("reviews/parts/<int:part_id>/rate/", review_views.producer_rate, name="producer_rate"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
]
