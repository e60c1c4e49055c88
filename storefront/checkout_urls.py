"""Cart, checkout, orders and account pages (issue 5)."""

from django.urls import include, path

from storefront import account_views, review_views, shipping_views, shop_views

shop_patterns = (
    [
        path("cart/", shop_views.cart, name="cart"),
        path("cart/add/", shop_views.cart_add, name="cart_add"),
        path("cart/lines/<int:line_id>/", shop_views.cart_line, name="cart_line"),
        path("cart/promo/", shop_views.cart_promo, name="cart_promo"),
        path("shipping/province/", shipping_views.shipping_province, name="shipping_province"),
        path("checkout/", shop_views.checkout, name="checkout"),
        path("orders/<uuid:token>/", shop_views.order_detail, name="order"),
        path("orders/<uuid:token>/pay/", shop_views.order_pay, name="order_pay"),
        path("orders/<uuid:token>/cancel/", shop_views.order_cancel_view, name="order_cancel"),
        path("orders/<uuid:token>/return/", shop_views.order_return_view, name="order_return"),
        path("payments/stripe/webhook/", shop_views.stripe_webhook, name="stripe_webhook"),
        path("payments/bank/notify/", shop_views.bank_notify, name="bank_notify"),
    ],
    "shop",
)

account_patterns = (
    [
        path("", account_views.home, name="home"),
        path("reviews/", review_views.account_reviews, name="reviews"),
        path("login/", account_views.LoginView.as_view(), name="login"),
        path("logout/", account_views.LogoutView.as_view(), name="logout"),
        path("register/", account_views.register, name="register"),
        path("addresses/", account_views.addresses, name="addresses"),
        path("addresses/<int:address_id>/delete/", account_views.address_remove, name="address_delete"),
        path("password-reset/", account_views.password_reset, name="password_reset"),
        path("password-reset/sent/", account_views.password_reset_done, name="password_reset_done"),
        path(
            "password-reset/<uidb64>/<token>/",
            account_views.password_reset_confirm,
            name="password_reset_confirm",
        ),
        path("password-reset/done/", account_views.password_reset_complete, name="password_reset_complete"),
    ],
    "account",
)

urlpatterns = [
    path("", include(shop_patterns)),
    path("account/", include(account_patterns)),
]
