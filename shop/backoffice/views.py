"""Back-office pages: the order list, one order with its APS events, and the maintenance operations.

Every operation is a signed server-to-server call to APS whose verified
response is stored as a PaymentEvent. APS decides the amount limits: an
over-capture (05042) or over-refund (07048) is shown as an error and changes
no total.
"""

from __future__ import annotations

import logging

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response

from ..accounts.service import clear_failures, is_throttled, record_failure, throttle_key
from ..aps import from_minor_units
from ..extensions import db
from ..i18n import format_money
from ..models import Order, PaymentAttempt
from ..payments.client_ip import customer_ip
from ..payments.methods import get_method
from ..payments.operations import CAPTURE, REFUND, VOID, OperationError, allowed_operations, display_state, run_operation, totals
from ..payments.reconcile import ABANDONED, ERROR, SETTLED, check_now
from . import auth
from .forms import ActionForm, AmountForm, InvalidAmount, StaffSignInForm, parse_amount

logger = logging.getLogger("shop.backoffice")

bp = Blueprint("backoffice", __name__, url_prefix="/backoffice")

ORDERS_PER_PAGE = 100


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in_page() -> str | Response | tuple[str, int]:
    """Ask for the back-office password; at most MAX_FAILURES wrong tries a minute per IP address."""
    if not auth.enabled():
        return auth.disabled_page()
    form = StaffSignInForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        key = throttle_key(auth.BACKOFFICE_SCOPE, "", customer_ip())
        if is_throttled(key):
            form.password.errors.append(_("Too many sign-in attempts. Wait a minute, then try again."))
            return render_template("backoffice/sign_in.html", form=form), 429
        if not auth.password_matches(form.password.data):
            record_failure(key)
            logger.warning("Wrong back-office password from %s", customer_ip())
            form.password.errors.append(_("Wrong password."))
            return render_template("backoffice/sign_in.html", form=form), 401
        clear_failures(key)
        auth.sign_in()
        target = form.next.data or ""
        if not target.startswith("/backoffice") or target.startswith("//"):
            target = url_for("backoffice.orders")
        return redirect(target)
    return render_template("backoffice/sign_in.html", form=form)


@bp.post("/sign-out")
def sign_out_page() -> Response:
    if ActionForm().validate_on_submit():
        auth.sign_out()
    return redirect(url_for("catalog.index"))


@bp.get("/")
@auth.staff_required
def orders() -> str:
    """List the latest orders with their payment state."""
    recent = db.session.scalars(select(Order).order_by(Order.id.desc()).limit(ORDERS_PER_PAGE)).all()
    return render_template(
        "backoffice/orders.html", orders=recent, display_state=display_state, method_label=_method_label, form=ActionForm()
    )


def _method_label(code: str) -> str:
    method = get_method(code)
    return str(method.label) if method is not None else code


@bp.get("/payments/<merchant_reference>")
@auth.staff_required
def order(merchant_reference: str) -> str:
    """Show the order of a payment attempt: each attempt with its totals, operations and raw APS events."""
    found = _attempt(merchant_reference).order
    attempts = [
        {
            "attempt": attempt,
            "method": get_method(attempt.method),
            "totals": totals(attempt),
            "state": display_state(attempt),
            "allowed": allowed_operations(attempt),
        }
        for attempt in found.attempts
    ]
    return render_template(
        "backoffice/order.html",
        order=found,
        attempts=attempts,
        amount_form=AmountForm(),
        form=ActionForm(),
        money=lambda minor, currency: format_money(from_minor_units(minor, currency), currency),
        major=lambda minor, currency: str(from_minor_units(minor, currency)),
    )


def _attempt(merchant_reference: str) -> PaymentAttempt:
    attempt = db.session.scalar(select(PaymentAttempt).where(PaymentAttempt.merchant_reference == merchant_reference))
    if attempt is None:
        abort(404)
    return attempt


def _back(attempt: PaymentAttempt) -> Response:
    return redirect(url_for("backoffice.order", merchant_reference=attempt.merchant_reference), code=303)


def _flash_result(command: str, result) -> None:
    operation = result.operation
    if result.message == "busy":
        flash(_("Another operation on this payment is running. Reload the page in a moment."), "error")
    elif result.message == "no_answer":
        flash(_("The payment provider did not answer. Use Check status to see whether the operation went through."), "error")
    elif result.ok:
        flash(_("%(operation)s done: the payment provider responded %(code)s.",
                operation=_operation_label(command), code=result.response_code), "success")
    else:
        message = operation.response_message if operation is not None and operation.response_message else ""
        flash(_("%(operation)s refused: %(code)s %(message)s. Nothing was changed.",
                operation=_operation_label(command), code=result.response_code, message=message), "error")


def _operation_label(command: str) -> str:
    return {CAPTURE: _("Capture"), REFUND: _("Refund"), VOID: _("Void")}[command]


def _run(merchant_reference: str, command: str, with_amount: bool) -> Response:
    attempt = _attempt(merchant_reference)
    form = AmountForm() if with_amount else ActionForm()
    if not form.validate_on_submit():
        abort(400)
    if command not in allowed_operations(attempt):
        flash(_("%(operation)s is not possible for this payment in its current state.", operation=_operation_label(command)), "error")
        return _back(attempt)
    amount = 0
    if with_amount:
        try:
            amount = parse_amount(form.amount.data or "", attempt.currency)
        except InvalidAmount as error:
            flash(str(error), "error")
            return _back(attempt)
    try:
        result = run_operation(attempt, command, amount)
    except OperationError as error:
        flash(str(error), "error")
        return _back(attempt)
    logger.info(
        "Back office %s merchant_reference=%s amount=%s ok=%s verdict=%s",
        command, attempt.merchant_reference, amount, result.ok, result.message,
    )
    _flash_result(command, result)
    return _back(attempt)


@bp.post("/attempts/<merchant_reference>/capture")
@auth.staff_required
def capture(merchant_reference: str) -> Response:
    """Capture all or part of an authorization; several partial captures are allowed."""
    return _run(merchant_reference, CAPTURE, with_amount=True)


@bp.post("/attempts/<merchant_reference>/refund")
@auth.staff_required
def refund(merchant_reference: str) -> Response:
    """Refund all or part of what was captured; several partial refunds are allowed."""
    return _run(merchant_reference, REFUND, with_amount=True)


@bp.post("/attempts/<merchant_reference>/void")
@auth.staff_required
def void(merchant_reference: str) -> Response:
    """Release an authorization nothing was captured from."""
    return _run(merchant_reference, VOID, with_amount=False)


@bp.post("/attempts/<merchant_reference>/check-status")
@auth.staff_required
def check_status(merchant_reference: str) -> Response:
    """Ask APS for the payment's state (CHECK_STATUS) and apply it."""
    attempt = _attempt(merchant_reference)
    if not ActionForm().validate_on_submit():
        abort(400)
    outcome = check_now(attempt)
    if outcome is None:
        flash(_("Another operation on this payment is running. Reload the page in a moment."), "error")
    elif outcome == ERROR:
        flash(_("The status check failed. See the latest event below."), "error")
    elif outcome in {SETTLED, ABANDONED}:
        flash(_("Status checked and applied."), "success")
    else:
        flash(_("Status checked: the payment is still open at the payment provider."), "success")
    return _back(attempt)
