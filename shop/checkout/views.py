"""Checkout: the order form, and the hand-over to APS's hosted payment page."""

from __future__ import annotations

import secrets

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response

from ..accounts.service import current_user
from ..cart.service import clear as clear_cart
from ..cart.service import load_cart
from ..extensions import db
from ..i18n import current_language
from ..models import AttemptStatus, Order, OrderLine, OrderStatus, PaymentAttempt
from ..payments.methods import get_method, methods_for
from ..payments.receipts import receipt_url
from ..payments.integrations import start_payment
from ..payments.service import start_attempt
from .forms import CheckoutForm

bp = Blueprint("checkout", __name__, url_prefix="/checkout")

ORDERS_SESSION_KEY = "orders"


def remember_order(order: Order) -> None:
    """Remember in the session that this browser placed ``order``."""
    numbers = list(session.get(ORDERS_SESSION_KEY, []))[-19:]
    numbers.append(order.number)
    session[ORDERS_SESSION_KEY] = numbers


def owns_order(order: Order) -> bool:
    return order.number in session.get(ORDERS_SESSION_KEY, [])


def new_order_number() -> str:
    return "ORD" + secrets.token_hex(5).upper()


@bp.route("/", methods=["GET", "POST"])
def checkout() -> str | Response:
    """Show the checkout form; on a valid POST place the order and go to payment."""
    cart = load_cart()
    if not cart:
        flash(_("Your cart is empty."), "error")
        return redirect(url_for("catalog.index"))

    methods = methods_for(cart.currency)
    form = CheckoutForm()
    user = current_user()
    if request.method == "GET" and user is not None and not form.customer_email.data:
        form.customer_email.data = user.email
    form.payment_method.choices = [(method.code, method.label) for method in methods]
    if form.payment_method.data is None and methods:
        form.payment_method.data = methods[0].code

    if form.validate_on_submit():
        method = get_method(form.payment_method.data)
        order = Order(
            number=new_order_number(),
            customer_email=form.customer_email.data,
            customer_name=(form.customer_name.data or "").strip(),
            currency=cart.currency,
            total=cart.total,
            language=current_language(),
            status=OrderStatus.AWAITING_PAYMENT.value,
            user_id=user.id if user is not None else None,
        )
        for line in cart.lines:
            order.lines.append(
                OrderLine(
                    product_id=line.product.id,
                    name_en=line.product.name_en,
                    name_ar=line.product.name_ar,
                    quantity=line.quantity,
                    unit_price=line.product.price,
                )
            )
        db.session.add(order)
        attempt = start_attempt(order, method)
        db.session.commit()
        remember_order(order)
        clear_cart()
        return redirect(url_for("checkout.pay", merchant_reference=attempt.merchant_reference))

    return render_template("checkout/checkout.html", cart=cart, form=form, methods=methods)


@bp.get("/pay/<merchant_reference>")
def pay(merchant_reference: str) -> str | Response:
    """Hand the attempt to APS the way its payment method's integration type does.

    This happens once per attempt: APS rejects a reused merchant_reference,
    so a reload after that goes to the receipt.
    """
    attempt = db.session.scalar(select(PaymentAttempt).where(PaymentAttempt.merchant_reference == merchant_reference))
    if attempt is None or not owns_order(attempt.order):
        abort(404)
    if attempt.status != AttemptStatus.CREATED.value:
        return redirect(receipt_url(attempt.order))
    return start_payment(attempt, get_method(attempt.method))


@bp.post("/retry/<number>")
def retry(number: str) -> Response:
    """Start a new payment attempt for a declined or cancelled order with the same method."""
    order = db.session.scalar(select(Order).where(Order.number == number))
    if order is None or not owns_order(order):
        abort(404)
    if order.status not in {OrderStatus.DECLINED.value, OrderStatus.CANCELLED.value, OrderStatus.FAILED.value}:
        return redirect(receipt_url(order))
    previous = order.latest_attempt
    method = get_method(previous.method if previous else "card") or get_method("card")
    attempt = start_attempt(order, method)
    db.session.commit()
    return redirect(url_for("checkout.pay", merchant_reference=attempt.merchant_reference))
