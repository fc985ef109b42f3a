"""Integration types: how the shop hands a payment attempt to APS.

``redirection`` (the APS hosted payment page) is built in. Other types
(the custom merchant page, STC Pay with an OTP typed on the shop's page)
register a handler here and name it in their ``PaymentMethod.integration``,
so the checkout needs no edit to offer them.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app, flash, redirect, render_template
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from ..extensions import db
from ..models import PaymentAttempt
from .methods import PaymentMethod
from .receipts import receipt_url
from .service import redirection_form

StartPayment = Callable[[PaymentAttempt, PaymentMethod], ResponseReturnValue]

_HANDLERS: dict[str, StartPayment] = {}


def register_integration(name: str) -> Callable[[StartPayment], StartPayment]:
    """Register the function that starts payments of integration type ``name``."""

    def decorator(handler: StartPayment) -> StartPayment:
        _HANDLERS[name] = handler
        return handler

    return decorator


def start_payment(attempt: PaymentAttempt, method: PaymentMethod) -> ResponseReturnValue:
    """Start ``attempt`` with the handler of its method's integration type."""
    try:
        handler = _HANDLERS[method.integration]
    except KeyError:
        raise LookupError(f"no handler registered for integration type {method.integration!r}") from None
    return handler(attempt, method)


@register_integration("redirection")
def start_redirection(attempt: PaymentAttempt, method: PaymentMethod) -> ResponseReturnValue:
    """Render the signed, auto-submitting form that takes the shopper to the hosted payment page."""
    try:
        action, fields = redirection_form(attempt, method)
    except ValueError as error:
        current_app.logger.error(
            "Cannot build APS request merchant_reference=%s: %s", attempt.merchant_reference, error
        )
        flash(_("This order cannot be sent to the payment provider. Please contact us."), "error")
        return redirect(receipt_url(attempt.order))
    db.session.commit()
    return render_template("payments/redirect.html", action=action, fields=fields, attempt=attempt)
