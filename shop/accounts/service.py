"""Shopper accounts: the signed-in user, password hashing, session rotation and sign-in throttling.

The user id lives in Flask's signed session cookie, next to the user's
``session_epoch``. Signing out bumps the epoch, so a copy of an old cookie
no longer signs anyone in. Passwords are hashed with werkzeug's scrypt.
"""

from __future__ import annotations

import datetime as dt
import logging

from flask import g, session
from sqlalchemy import delete, func, select
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from ..models import SignInFailure, User, utcnow

logger = logging.getLogger("shop.accounts")

USER_ID_KEY = "user_id"
USER_EPOCH_KEY = "user_epoch"
# Session keys that survive signing in: the cart, the language and the
# orders this browser placed. Everything else, the CSRF token included, is new.
KEPT_ON_SIGN_IN = ("cart", "locale", "orders")

# At most this many failed sign-ins per e-mail address and IP address within the window.
MAX_FAILURES = 5
FAILURE_WINDOW_SECONDS = 60

SHOPPER_SCOPE = "shopper"

# Checked when the e-mail address is unknown, so that the response takes as
# long as for a known address with a wrong password.
_DUMMY_HASH = generate_password_hash("not-a-password-of-anyone")


def hash_password(password: str) -> str:
    return generate_password_hash(password)


def password_matches(user: User | None, password: str) -> bool:
    """Check ``password`` against the user's hash; an unknown user costs the same time and fails."""
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return False
    return check_password_hash(user.password_hash, password)


def find_user(email: str) -> User | None:
    """Return the user with this e-mail address (compared case-insensitively), or None."""
    return db.session.scalar(select(User).where(func.lower(User.email) == email.lower()))


def current_user() -> User | None:
    """Return the signed-in user, or None; a session from before the user's last sign-out counts as none."""
    if "current_user" in g:
        return g.current_user
    user = None
    user_id = session.get(USER_ID_KEY)
    if isinstance(user_id, int):
        candidate = db.session.get(User, user_id)
        if candidate is not None and session.get(USER_EPOCH_KEY) == candidate.session_epoch:
            user = candidate
        else:
            session.pop(USER_ID_KEY, None)
            session.pop(USER_EPOCH_KEY, None)
    g.current_user = user
    return user


def sign_in(user: User) -> None:
    """Start a fresh session for ``user``, keeping only the cart, language and order list."""
    kept = {key: session[key] for key in KEPT_ON_SIGN_IN if key in session}
    session.clear()
    session.update(kept)
    session[USER_ID_KEY] = user.id
    session[USER_EPOCH_KEY] = user.session_epoch
    g.current_user = user
    logger.info("Signed in user_id=%s", user.id)


def sign_out() -> None:
    """End the session; copies of the old session cookie stop working too."""
    user = current_user()
    language = session.get("locale")
    if user is not None:
        user.session_epoch += 1
        db.session.commit()
        logger.info("Signed out user_id=%s", user.id)
    session.clear()
    if language:
        session["locale"] = language
    g.current_user = None


# -- throttling ---------------------------------------------------------------


def throttle_key(scope: str, email: str, ip_address: str) -> str:
    return f"{scope}:{email.strip().lower()}:{ip_address}"[:320]


def _window_start() -> dt.datetime:
    return utcnow() - dt.timedelta(seconds=FAILURE_WINDOW_SECONDS)


def is_throttled(key: str) -> bool:
    """Tell whether ``key`` reached MAX_FAILURES failed sign-ins within the window."""
    count = db.session.scalar(
        select(func.count(SignInFailure.id)).where(SignInFailure.key == key, SignInFailure.failed_at >= _window_start())
    )
    return (count or 0) >= MAX_FAILURES


def record_failure(key: str) -> None:
    """Store one failed sign-in and drop failures older than the window; commits."""
    db.session.execute(delete(SignInFailure).where(SignInFailure.failed_at < _window_start()))
    db.session.add(SignInFailure(key=key))
    db.session.commit()


def clear_failures(key: str) -> None:
    db.session.execute(delete(SignInFailure).where(SignInFailure.key == key))
    db.session.commit()
