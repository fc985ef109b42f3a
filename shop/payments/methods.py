"""Payment-method registry.

Each method states which currencies it accepts, how APS is asked for it
(``payment_option`` or ``digital_wallet``) and whether APS allows only
PURCHASE for it. The checkout lists ``methods_for(currency)``; a new method
is one ``register()`` call plus its templates, with no edit elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class PaymentMethod:
    """One way to pay, as the checkout offers it and as APS is asked for it."""

    code: str
    label: Any  # a lazy translated string
    integration: str = "redirection"
    currencies: frozenset[str] | None = None  # None: any currency
    # ISO 3166 alpha-2 code of the country whose scheme this is (KW for KNET), None for international methods.
    country: str | None = None
    request_params: dict[str, str] = field(default_factory=dict)
    purchase_only: bool = False
    logos: tuple[str, ...] = ()
    # Template partial shown on the checkout under the method's radio button.
    checkout_partial: str | None = None
    # Template partial that shows the method's own reference fields on receipts.
    receipt_partial: str | None = None
    # Extra request parameters computed per order (e.g. order_description for NAPS).
    extra_params: Callable[[Any], dict[str, str]] | None = None
    sort_order: int = 100

    def accepts(self, currency: str) -> bool:
        return self.currencies is None or currency in self.currencies


_REGISTRY: dict[str, PaymentMethod] = {}


def register(method: PaymentMethod) -> PaymentMethod:
    """Add ``method`` to the registry; a second method with the same code replaces the first."""
    _REGISTRY[method.code] = method
    return method


def get_method(code: str) -> PaymentMethod | None:
    return _REGISTRY.get(code)


def all_methods() -> list[PaymentMethod]:
    return sorted(_REGISTRY.values(), key=lambda method: (method.sort_order, method.code))


def methods_for(currency: str) -> list[PaymentMethod]:
    """Return the methods that accept ``currency``, in display order."""
    return [method for method in all_methods() if method.accepts(currency)]


CARD = register(
    PaymentMethod(
        code="card",
        label=_l("Credit or debit card"),
        # mada shows only for SAR carts, first (shop/payments/brands.py).
        logos=("visa", "mastercard", "amex", "mada"),
        checkout_partial="payments/methods/card_checkout.html",
        receipt_partial="payments/methods/card_receipt.html",
        sort_order=10,
    )
)

# The shop's own card form, posted from the browser to APS (shop/merchant_page/).
CARD_MERCHANT_PAGE = register(
    PaymentMethod(
        code="card_mp",
        label=_l("Card (pay on this page)"),
        integration="merchant_page",
        logos=("visa", "mastercard", "amex", "mada"),
        checkout_partial="payments/methods/card_mp_checkout.html",
        receipt_partial="payments/methods/card_mp_receipt.html",
        sort_order=11,
    )
)

# Card installments chosen on APS's hosted page, PURCHASE only as APS documents
# installments. The currencies are this shop's choice (as on the merchant page).
INSTALLMENTS_HOSTED = register(
    PaymentMethod(
        code="installments",
        label=_l("Card in monthly installments (secure payment page)"),
        currencies=frozenset({"SAR", "AED", "EGP"}),
        request_params={"installments": "STANDALONE"},
        purchase_only=True,
        logos=("visa", "mastercard", "amex"),
        checkout_partial="payments/methods/card_checkout.html",
        receipt_partial="payments/methods/card_mp_receipt.html",
        sort_order=12,
    )
)

# The Gulf local methods (mada, KNET, NAPS, BENEFIT, OmanNet, STC Pay) register themselves.
from . import local_methods  # noqa: E402,F401
