"""Registry of hosted-page payment methods.

A paymentPage request is served by the method registered for its
``digital_wallet`` (STCPAY...) or else its ``payment_option`` (KNET,
VISA...). Requests with neither go to the method registered for the empty
option, which is the card page. To add a method, write a module here that calls
``register`` with a ``HostedMethod`` and add its name to ``METHOD_MODULES``.
The method renders its first page in ``start`` and ends the payment with
``shop.simulator.results.finish_payment``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from flask import Blueprint

from ..store import PageSession
from ..validation import Rejection

# Modules under shop/simulator/methods/ that register a hosted method.
METHOD_MODULES = ("card", "knet", "naps", "benefit", "omannet", "stcpay")


@dataclass(frozen=True)
class HostedMethod:
    """One hosted-page payment method.

    ``payment_options`` are the ``payment_option`` values it serves ("" for a
    request without one), ``digital_wallets`` the ``digital_wallet`` values.
    ``validate`` adds the method's own request checks (KNET needs KWD...),
    ``start`` renders its first page and ``blueprint`` contains its routes,
    which live under ``/sim/``.
    """

    key: str
    start: Callable[[PageSession], str]
    payment_options: frozenset[str] = frozenset()
    digital_wallets: frozenset[str] = frozenset()
    validate: Callable[[Mapping[str, str]], Rejection | None] | None = None
    blueprint: Blueprint | None = None


REGISTRY: dict[str, HostedMethod] = {}


def register(method: HostedMethod) -> HostedMethod:
    """Add ``method`` to the registry; its options must not be claimed by another method."""
    for other in REGISTRY.values():
        if other.key == method.key:
            continue
        shared = (other.payment_options & method.payment_options) | (other.digital_wallets & method.digital_wallets)
        if shared:
            raise ValueError(f"hosted method {method.key!r} claims {sorted(shared)} already served by {other.key!r}")
    REGISTRY[method.key] = method
    return method


def find_method(request: Mapping[str, str]) -> HostedMethod | None:
    """Return the method that serves ``request``, or None when no method is registered for it."""
    wallet = request.get("digital_wallet", "")
    option = request.get("payment_option", "")
    for method in REGISTRY.values():
        if wallet and wallet in method.digital_wallets:
            return method
        if not wallet and option in method.payment_options:
            return method
    return None


def load_methods() -> dict[str, HostedMethod]:
    """Import every module of ``METHOD_MODULES`` so that it registers its method."""
    for name in METHOD_MODULES:
        importlib.import_module(f"{__name__}.{name}")
    return REGISTRY
