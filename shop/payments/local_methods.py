"""The Gulf local payment methods: mada, KNET, NAPS, BENEFIT, OmanNet and STC Pay.

Each belongs to one country and is offered only for carts in that country's
currency. APS accepts each of them only as PURCHASE (AUTHORIZATION gets
00049), so ``purchase_only`` makes ``start_attempt`` send PURCHASE even when
the shop is set to AUTHORIZATION.

    method   country        currency  requested with
    mada     Saudi Arabia   SAR       payment_option=MADA
    KNET     Kuwait         KWD       payment_option=KNET
    NAPS     Qatar          QAR       payment_option=NAPS
    BENEFIT  Bahrain        BHD       payment_option=BENEFIT
    OmanNet  Oman           OMR       payment_option=OMANNET
    STC Pay  Saudi Arabia   SAR       digital_wallet=STCPAY

All but STC Pay use the hosted payment page (integration "redirection").
STC Pay uses "stcpay_otp": the shopper types the mobile number and the
one-time password on the shop's own pages (``shop/stcpay/``).

Imported at the end of ``methods.py``, so importing the registry registers them.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from .methods import PaymentMethod, register

# Sort order: after the card methods (10 to 12), so the card method stays
# the one the checkout selects first. The marks put the local scheme first
# instead (shop/payments/brands.py), mada before the card brands as mada's
# branding guideline asks.
LOCAL_SCHEME_ORDER = 15
WALLET_ORDER = 20


def _hosted(code: str, label: object, currency: str, country: str, payment_option: str) -> PaymentMethod:
    return register(
        PaymentMethod(
            code=code,
            label=label,
            currencies=frozenset({currency}),
            country=country,
            request_params={"payment_option": payment_option},
            purchase_only=True,
            logos=(code,),
            checkout_partial=f"payments/methods/{code}_checkout.html",
            receipt_partial=f"payments/methods/{code}_receipt.html",
            sort_order=LOCAL_SCHEME_ORDER,
        )
    )


MADA = _hosted("mada", _l("mada debit card"), "SAR", "SA", "MADA")
KNET = _hosted("knet", _l("KNET"), "KWD", "KW", "KNET")
NAPS = _hosted("naps", _l("NAPS"), "QAR", "QA", "NAPS")
BENEFIT = _hosted("benefit", _l("BENEFIT"), "BHD", "BH", "BENEFIT")
OMANNET = _hosted("omannet", _l("OmanNet"), "OMR", "OM", "OMANNET")

STCPAY = register(
    PaymentMethod(
        code="stcpay",
        label=_l("STC Pay"),
        integration="stcpay_otp",
        currencies=frozenset({"SAR"}),
        country="SA",
        request_params={"digital_wallet": "STCPAY"},
        purchase_only=True,
        logos=("stcpay",),
        checkout_partial="payments/methods/stcpay_checkout.html",
        receipt_partial="payments/methods/stcpay_receipt.html",
        sort_order=WALLET_ORDER,
    )
)
