"""The header's cart count, read from a cookie the cart views set, so no page pays a query for it. The cookie
only tells how many units to show; the cart itself lives in the checkout (shop_views.session_checkout)."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse

COOKIE = "cart_count"
MAX_SHOWN = 999
MAX_AGE = 30 * 24 * 3600


def cart_count(request: HttpRequest) -> dict[str, int]:
    """Context processor: `cart_count`, 0 without the cookie or with anything but a small number in it."""
    raw = request.COOKIES.get(COOKIE, "")
    count = int(raw) if raw.isdigit() and len(raw) <= 4 else 0
    return {"cart_count": min(count, MAX_SHOWN)}


def remember_cart_count(response: HttpResponse, count: int) -> HttpResponse:
    if count > 0:
        response.set_cookie(
            COOKIE,
            str(min(count, MAX_SHOWN)),
            max_age=MAX_AGE,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
    else:
        response.delete_cookie(COOKIE, samesite="Lax")
    return response
