"""Cart, checkout, orders and account pages (issue 5)."""

urlpatterns: list = []
