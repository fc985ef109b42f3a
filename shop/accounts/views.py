"""Account pages: sign up, sign in, sign out, and the shopper's saved cards."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from ..extensions import db
from ..i18n import current_language
from ..models import User
from ..payments.client_ip import customer_ip
from . import cards
from .forms import ActionForm, SignInForm, SignUpForm
from .service import (
    SHOPPER_SCOPE,
    clear_failures,
    current_user,
    find_user,
    hash_password,
    is_throttled,
    password_matches,
    record_failure,
    sign_in,
    sign_out,
    throttle_key,
)

bp = Blueprint("accounts", __name__, url_prefix="/account")


def safe_next(target: str | None) -> str | None:
    """Return ``target`` if it is a path on this site, else None (no open redirects)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    return target


@bp.app_context_processor
def account_context() -> dict[str, object]:
    return {"current_user": current_user()}


@bp.route("/sign-up", methods=["GET", "POST"])
def sign_up() -> str | Response:
    """Create an account and sign in."""
    if current_user() is not None:
        return redirect(url_for("accounts.account"))
    form = SignUpForm()
    if form.validate_on_submit():
        if find_user(form.email.data) is not None:
            form.email.errors.append(_("An account with this e-mail address exists already. Sign in instead."))
        else:
            user = User(email=form.email.data, password_hash=hash_password(form.password.data))
            db.session.add(user)
            db.session.commit()
            sign_in(user)
            flash(_("Your account is ready."), "success")
            return redirect(safe_next(request.args.get("next")) or url_for("accounts.account"))
    return render_template("accounts/sign_up.html", form=form)


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in_page() -> str | Response | tuple[str, int]:
    """Sign in with e-mail address and password, at most a few failed tries a minute per address and IP."""
    form = SignInForm()
    if request.method == "GET":
        form.next.data = safe_next(request.args.get("next")) or ""
    if form.validate_on_submit():
        key = throttle_key(SHOPPER_SCOPE, form.email.data, customer_ip())
        if is_throttled(key):
            form.password.errors.append(_("Too many sign-in attempts. Wait a minute, then try again."))
            return render_template("accounts/sign_in.html", form=form), 429
        user = find_user(form.email.data)
        if not password_matches(user, form.password.data):
            record_failure(key)
            form.password.errors.append(_("Wrong e-mail address or password."))
            return render_template("accounts/sign_in.html", form=form), 401
        clear_failures(key)
        sign_in(user)
        return redirect(safe_next(form.next.data) or url_for("accounts.account"))
    return render_template("accounts/sign_in.html", form=form)


@bp.post("/sign-out")
def sign_out_page() -> Response:
    """Sign out; the form's CSRF token keeps other sites from signing shoppers out."""
    form = ActionForm()
    if form.validate_on_submit():
        sign_out()
        flash(_("You are signed out."), "success")
    return redirect(url_for("catalog.index"))


@bp.get("/")
def account() -> str | Response:
    """Show the signed-in shopper's saved cards."""
    user = current_user()
    if user is None:
        # The sign-in form in place, so the address stays /account/.
        return render_template("accounts/sign_in.html", form=SignInForm(formdata=None, next=request.path))
    return render_template("accounts/account.html", user=user, cards=cards.cards_of(user), form=ActionForm())


@bp.post("/cards/<int:card_id>/delete")
def delete_card(card_id: int) -> Response:
    """Delete a saved card: APS deactivates its token first, and only a verified 58000 removes it here."""
    user = current_user()
    if user is None:
        return redirect(url_for("accounts.sign_in_page", next=url_for("accounts.account")))
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    card = cards.card_of(user, card_id)
    if card is None:
        abort(404)
    result = cards.delete_card(card, current_language())
    if result.ok:
        flash(_("The card was deleted."), "success")
    elif result.response_code:
        flash(
            _("The payment provider did not delete the card (%(code)s: %(message)s). It is still saved.",
              code=result.response_code, message=result.message),
            "error",
        )
    else:
        flash(_("The payment provider could not be reached. The card is still saved; try again later."), "error")
    return redirect(url_for("accounts.account"))
