"""The client's IP address for rate limits: REMOTE_ADDR, unless it is one of the configured TRUSTED_PROXIES.

X-Forwarded-For is read only behind a trusted proxy (anyone can send the header), from the right: the first
address that is not itself a trusted proxy is the client."""

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def _parse(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str:
    remote = _parse(request.META.get("REMOTE_ADDR", "")) or ipaddress.ip_address("0.0.0.0")  # noqa: S104
    trusted = _networks(tuple(settings.TRUSTED_PROXIES))

    def is_trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
        return any(address in network for network in trusted)

    if not is_trusted(remote):
        return str(remote)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")[:2000].split(",")
    for hop in reversed(forwarded):
        address = _parse(hop)
        if address is None:
            break  # a garbled chain: stop at the last address we can vouch for
        if not is_trusted(address):
            return str(address)
        remote = address
    return str(remote)
