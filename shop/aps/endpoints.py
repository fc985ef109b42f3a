"""APS endpoint URLs per environment.

Hosts from the official APS PHP SDK and plugins: the browser posts to
``paymentPage``, servers post JSON to ``paymentApi``.
"""

from __future__ import annotations

from dataclasses import dataclass

PAYMENT_PAGE_PATH = "/FortAPI/paymentPage"
PAYMENT_API_PATH = "/FortAPI/paymentApi"


@dataclass(frozen=True)
class Endpoints:
    """The two URLs a merchant talks to."""

    payment_page: str
    payment_api: str


SANDBOX = Endpoints(
    payment_page="https://sbcheckout.payfort.com" + PAYMENT_PAGE_PATH,
    payment_api="https://sbpaymentservices.payfort.com" + PAYMENT_API_PATH,
)
PRODUCTION = Endpoints(
    payment_page="https://checkout.payfort.com" + PAYMENT_PAGE_PATH,
    payment_api="https://paymentservices.payfort.com" + PAYMENT_API_PATH,
)

ENVIRONMENTS = ("simulator", "sandbox", "production")


def endpoints_for(environment: str, simulator_url: str = "http://127.0.0.1:5050") -> Endpoints:
    """Return the endpoints of ``environment``; the simulator lives at ``simulator_url``."""
    if environment == "sandbox":
        return SANDBOX
    if environment == "production":
        return PRODUCTION
    if environment == "simulator":
        base = simulator_url.rstrip("/")
        return Endpoints(payment_page=base + PAYMENT_PAGE_PATH, payment_api=base + PAYMENT_API_PATH)
    raise ValueError(f"unknown APS environment {environment!r}; expected one of {', '.join(ENVIRONMENTS)}")
