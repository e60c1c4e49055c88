"""Request facts the domain needs (parsed once here, not in each view)."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or behind CLIENT_IP_PROXY_COUNT proxies the X-Forwarded-For
    entry they appended (entries before it are the client's own claim and are ignored)."""
    candidate = request.META.get("REMOTE_ADDR", "")
    count = settings.CLIENT_IP_PROXY_COUNT
    if count > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= count:
            candidate = forwarded[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None
