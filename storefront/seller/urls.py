"""Producer portal (issue 7). Every page below <producer>/ acts for that producer (a membership)."""

from django.urls import path

from storefront.seller import label_views, money_views, shipping_views, views, voucher_views

app_name = "seller"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:producer>/", views.dashboard, name="dashboard"),
    path("<slug:producer>/products/", views.product_list, name="product_list"),
    path("<slug:producer>/products/new/", views.product_create, name="product_create"),
    path("<slug:producer>/products/<int:pk>/", views.product_edit, name="product_edit"),
    path("<slug:producer>/products/<int:pk>/publish/", views.product_publish, name="product_publish"),
    path(
        "<slug:producer>/products/<int:pk>/translation/",
        views.product_translation,
        name="product_translation",
    ),
    path(
        "<slug:producer>/products/<int:pk>/qr-labels.pdf",
        label_views.product_qr_labels,
        name="product_qr_labels",
    ),
    path("<slug:producer>/products/<int:pk>/variants/new/", views.variant_create, name="variant_create"),
    path(
        "<slug:producer>/products/<int:pk>/variants/<int:variant_pk>/",
        views.variant_edit,
        name="variant_edit",
    ),
    path("<slug:producer>/products/<int:pk>/images/new/", views.image_add, name="image_add"),
    path(
        "<slug:producer>/products/<int:pk>/images/<int:image_pk>/delete/",
        views.image_delete,
        name="image_delete",
    ),
    path("<slug:producer>/claim/", views.claim_list, name="claim_list"),
    path("<slug:producer>/claim/<int:pk>/", views.claim, name="claim"),
    path("<slug:producer>/profile/", views.profile, name="profile"),
    path("<slug:producer>/profile/logo/", views.logo_set, name="logo"),
    path("<slug:producer>/profile/photos/new/", views.photo_add, name="photo_add"),
    path("<slug:producer>/profile/photos/<int:photo_pk>/delete/", views.photo_delete, name="photo_delete"),
    path("<slug:producer>/shipping/", shipping_views.shipping, name="shipping"),
    path("<slug:producer>/reviews/", views.review_list, name="review_list"),
    path("<slug:producer>/reviews/<int:review_pk>/reply/", views.review_reply, name="review_reply"),
    path("<slug:producer>/money/", money_views.money, name="money"),
    path("<slug:producer>/vouchers/", voucher_views.voucher_list, name="voucher_list"),
    path("<slug:producer>/vouchers/add/", voucher_views.voucher_add, name="voucher_add"),
    path("<slug:producer>/vouchers/<int:pk>/stop/", voucher_views.voucher_stop, name="voucher_stop"),
    path("<slug:producer>/money/bank-account/", money_views.bank_account, name="money_bank_account"),
    path(
        "<slug:producer>/money/statement.csv",
        money_views.statement_download,
        {"fmt": "csv"},
        name="money_statement_csv",
    ),
    path(
        "<slug:producer>/money/statement.pdf",
        money_views.statement_download,
        {"fmt": "pdf"},
        name="money_statement_pdf",
    ),
    path("<slug:producer>/orders/", views.order_list, name="order_list"),
    path("<slug:producer>/orders/<int:part_pk>/", views.order_detail, name="order_detail"),
    path(
        "<slug:producer>/orders/<int:part_pk>/packing-slip/",
        views.order_packing_slip,
        name="order_packing_slip",
    ),
    path("<slug:producer>/orders/<int:part_pk>/confirm/", views.order_confirm, name="order_confirm"),
    path("<slug:producer>/orders/<int:part_pk>/ship/", views.order_ship, name="order_ship"),
    path("<slug:producer>/orders/<int:part_pk>/deliver/", views.order_deliver, name="order_deliver"),
    path("<slug:producer>/orders/<int:part_pk>/cancel/", views.order_cancel, name="order_cancel"),
    path(
        "<slug:producer>/orders/<int:part_pk>/returns/<int:return_pk>/",
        money_views.return_decide,
        name="return_decide",
    ),
]
