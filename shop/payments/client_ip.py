"""The shopper's public IP address, for APS's ``customer_ip``.

APS's fraud checks compare ``customer_ip`` with the card's country, so it
must be the shopper's address, not a load balancer's. The TCP peer
(``request.remote_addr``) is the shopper unless it is one of the reverse
proxies listed in ``SHOP_TRUSTED_PROXIES``. Only then is ``X-Forwarded-For``
read, from the right: each trusted proxy appends the address it received
from, so the right-most address that is not a trusted proxy is the first hop
nobody in between could forge. Everything to its left was sent by the
client and is ignored.
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Iterable, Sequence

from flask import Request, current_app, request

logger = logging.getLogger("shop.payments")

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_address(text: str) -> Address | None:
    """Parse one address as proxies write it, or return None.

    Accepts ``1.2.3.4``, ``1.2.3.4:5678``, ``2001:db8::1``, ``[2001:db8::1]:443``
    and unwraps IPv4-mapped IPv6 (``::ffff:1.2.3.4`` becomes ``1.2.3.4``).
    """
    text = text.strip().strip('"')
    if text.startswith("["):
        text = text[1:].split("]", 1)[0]
    elif text.count(":") == 1:
        text = text.split(":", 1)[0]
    text = text.split("%", 1)[0]  # an IPv6 zone index such as fe80::1%eth0
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def is_trusted(address: Address, trusted: Iterable[Network]) -> bool:
    """Tell whether ``address`` is inside one of the ``trusted`` networks."""
    return any(address.version == network.version and address in network for network in trusted)


def forwarded_chain(header_values: Sequence[str]) -> list[str]:
    """Split X-Forwarded-For headers into addresses, left to right; several headers count as one list."""
    return [item.strip() for value in header_values for item in value.split(",") if item.strip()]


def client_ip(remote_addr: str | None, forwarded_for: Sequence[str], trusted: Sequence[Network]) -> str:
    """Return the shopper's IP address from the TCP peer and X-Forwarded-For.

    ``forwarded_for`` is every X-Forwarded-For header value in order. The
    header counts only when the peer is a trusted proxy. Returns '' when the
    peer address is missing or invalid.
    """
    peer = parse_address(remote_addr or "")
    if peer is None:
        return ""
    if not trusted or not is_trusted(peer, trusted):
        return str(peer)

    nearest = peer
    for text in reversed(forwarded_chain(forwarded_for)):
        address = parse_address(text)
        if address is None:
            # Only a proxy we trust wrote this far into the header, so it is misconfigured.
            logger.warning("Invalid X-Forwarded-For entry %r after trusted proxy %s; using the proxy's address", text, nearest)
            return str(nearest)
        if not is_trusted(address, trusted):
            return str(address)
        nearest = address
    # Every hop is a trusted proxy: the request started inside the trusted network.
    return str(nearest)


def customer_ip(req: Request | None = None) -> str:
    """Return the current request's shopper IP address with the app's ``SHOP_TRUSTED_PROXIES``."""
    req = req or request
    trusted = current_app.config.get("SHOP_TRUSTED_PROXIES") or ()
    return client_ip(req.remote_addr, req.headers.getlist("X-Forwarded-For"), trusted)
