"""Back-office sign-in: one shared password from BACKOFFICE_PASSWORD.

The session stores a digest of the password keyed with SECRET_KEY, not a
flag, so changing the password signs every member of staff out. Without a
password (outside simulator mode) the back office is off.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
from collections.abc import Callable
from typing import Any, TypeVar

from flask import current_app, redirect, render_template, request, session, url_for

SESSION_KEY = "backoffice"
BACKOFFICE_SCOPE = "backoffice"

View = TypeVar("View", bound=Callable[..., Any])


def password() -> str:
    return str(current_app.config.get("BACKOFFICE_PASSWORD") or "")


def enabled() -> bool:
    return bool(password())


def _digest(value: str) -> str:
    key = str(current_app.config["SECRET_KEY"]).encode("utf-8")
    return hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()


def password_matches(candidate: str) -> bool:
    return enabled() and hmac.compare_digest(_digest(candidate), _digest(password()))


def sign_in() -> None:
    session[SESSION_KEY] = _digest(password())


def sign_out() -> None:
    session.pop(SESSION_KEY, None)


def signed_in() -> bool:
    stored = session.get(SESSION_KEY)
    return enabled() and isinstance(stored, str) and hmac.compare_digest(stored, _digest(password()))


def disabled_page() -> tuple[str, int]:
    return render_template("backoffice/disabled.html"), 503


def staff_required(view: View) -> View:
    """Show the disabled page when there is no password, the sign-in form when not signed in.

    A GET shows the form in place, so the page's own URL is kept; a POST
    goes to the sign-in page.
    """

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not enabled():
            return disabled_page()
        if not signed_in():
            if request.method == "GET":
                from .forms import StaffSignInForm

                form = StaffSignInForm(formdata=None, next=request.path)
                return render_template("backoffice/sign_in.html", form=form)
            return redirect(url_for("backoffice.sign_in_page"))
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]
