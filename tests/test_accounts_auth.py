"""Shopper accounts: sign-up, sign-in with a generic error and throttling, session rotation, sign-out."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from shop.accounts.service import MAX_FAILURES
from shop.extensions import db
from shop.models import SignInFailure, User
from tests.mp_support import PASSWORD

EMAIL = "layla@example.com"
WRONG = "Wrong e-mail address or password."


def sign_up(client: Any, email: str = EMAIL, password: str = PASSWORD, confirm: str | None = None) -> Any:
    return client.post("/account/sign-up", data={"email": email, "password": password, "confirm": confirm or password})


def sign_in(client: Any, email: str = EMAIL, password: str = PASSWORD, ip: str = "198.51.100.7", **data: str) -> Any:
    return client.post("/account/sign-in", data={"email": email, "password": password, **data},
                       environ_base={"REMOTE_ADDR": ip})


def sign_out(client: Any) -> Any:
    return client.post("/account/sign-out")


def signed_in(client: Any) -> bool:
    return "Signed in as" in client.get("/account/").get_data(as_text=True)


def test_sign_up_hashes_password(app: Any, client: Any) -> None:
    response = sign_up(client)
    assert response.status_code == 302
    with app.app_context():
        user = db.session.scalar(select(User))
        assert user.email == EMAIL
        assert PASSWORD not in user.password_hash
        assert user.password_hash.startswith(("scrypt:", "pbkdf2:"))
    assert signed_in(client)


def test_sign_up_duplicate_email(client: Any) -> None:
    sign_up(client)
    sign_out(client)
    response = sign_up(client, email="Layla@Example.com")
    assert response.status_code == 200
    assert "exists already" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("email", "password", "confirm", "message"),
    [
        ("not-an-address", PASSWORD, PASSWORD, "Enter a valid e-mail address"),
        (EMAIL, "short", "short", "Use 8 to 128 characters."),
        (EMAIL, PASSWORD, PASSWORD + "x", "The two passwords differ."),
    ],
)
def test_sign_up_invalid(client: Any, email: str, password: str, confirm: str, message: str) -> None:
    response = sign_up(client, email, password, confirm)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)


def test_sign_in_and_out(client: Any) -> None:
    sign_up(client)
    sign_out(client)
    assert not signed_in(client)
    response = sign_in(client)
    assert response.status_code == 302
    assert signed_in(client)
    sign_out(client)
    assert not signed_in(client)


def test_wrong_password_generic_message(client: Any) -> None:
    sign_up(client)
    sign_out(client)
    wrong_password = sign_in(client, password="not the password")
    unknown_email = sign_in(client, email="nobody@example.com")
    assert wrong_password.status_code == unknown_email.status_code == 401
    assert WRONG in wrong_password.get_data(as_text=True)
    assert WRONG in unknown_email.get_data(as_text=True)


def test_sign_in_email_case_insensitive(client: Any) -> None:
    sign_up(client)
    sign_out(client)
    assert sign_in(client, email="LAYLA@example.com").status_code == 302


def test_sign_in_throttled_per_email_and_ip(app: Any, client: Any) -> None:
    sign_up(client)
    sign_out(client)
    for _ in range(MAX_FAILURES):
        assert sign_in(client, password="wrong password!").status_code == 401
    throttled = sign_in(client)
    assert throttled.status_code == 429
    assert "Too many sign-in attempts" in throttled.get_data(as_text=True)
    assert not signed_in(client)
    # Another IP address, or another e-mail address, is not held back.
    assert sign_in(client, ip="198.51.100.8").status_code == 302
    sign_out(client)
    assert sign_in(client, email="other@example.com").status_code == 401


def test_success_clears_failures(app: Any, client: Any) -> None:
    sign_up(client)
    sign_out(client)
    for _ in range(MAX_FAILURES - 1):
        sign_in(client, password="wrong password!")
    assert sign_in(client).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(SignInFailure)) is None


def test_sign_in_keeps_cart_drops_other_keys(client: Any) -> None:
    sign_up(client)
    sign_out(client)
    client.post("/cart/add", data={"sku": "TEA-KW", "quantity": "2"})
    with client.session_transaction() as session:
        session["something_else"] = "from before"
        session["_fresh_marker"] = 1
    sign_in(client)
    with client.session_transaction() as session:
        assert session["cart"] == {"TEA-KW": 2}
        assert "something_else" not in session
        assert "_fresh_marker" not in session
        assert isinstance(session["user_id"], int)


def test_old_cookie_dead_after_sign_out(app: Any, client: Any) -> None:
    sign_up(client)
    cookie = client.get_cookie("session").value
    sign_out(client)
    thief = app.test_client()
    thief.set_cookie("session", cookie)
    assert not signed_in(thief)


@pytest.mark.parametrize(("target", "expected"), [("/checkout/", "/checkout/"), ("//evil.example/x", "/account/"),
                                                  ("https://evil.example/", "/account/")])
def test_sign_in_next_stays_on_site(client: Any, target: str, expected: str) -> None:
    sign_up(client)
    sign_out(client)
    response = sign_in(client, next=target)
    assert response.headers["Location"] == expected


def test_account_shows_sign_in_form(client: Any) -> None:
    response = client.get("/account/")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'action="/account/sign-in"' in body
    assert 'name="next" type="hidden" value="/account/"' in body


def test_checkout_prefills_email(client: Any) -> None:
    sign_up(client)
    client.post("/cart/add", data={"sku": "TEA-KW", "quantity": "1"})
    body = client.get("/checkout/").get_data(as_text=True)
    assert f'value="{EMAIL}"' in body


def test_order_belongs_to_user(app: Any, client: Any) -> None:
    from shop.models import Order

    sign_up(client)
    client.post("/cart/add", data={"sku": "TEA-KW", "quantity": "1"})
    client.post("/checkout/", data={"customer_email": EMAIL, "customer_name": "", "payment_method": "card_mp"})
    with app.app_context():
        order = db.session.scalar(select(Order))
        user = db.session.scalar(select(User))
        assert order.user_id == user.id


def test_session_cookie_flags(client: Any) -> None:
    response = sign_up(client)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_forms_need_csrf_token(tmp_path: Any, monkeypatch: Any) -> None:
    from shop import create_app
    from shop.stack import dispose_database

    monkeypatch.setenv("SHOP_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'csrf.sqlite3'}",
                      "WTF_CSRF_ENABLED": True})
    try:
        client = app.test_client()
        assert sign_up(client).status_code == 400
        assert sign_in(client).status_code == 400
        assert client.post("/account/cards/1/delete").status_code == 400
    finally:
        dispose_database(app)


@pytest.mark.parametrize(("base_url", "secure"), [("https://shop.example.sa", True), ("http://127.0.0.1:5000", False)])
def test_secure_cookie_follows_base_url(tmp_path: Any, monkeypatch: Any, base_url: str, secure: bool) -> None:
    from shop import create_app
    from shop.stack import dispose_database

    monkeypatch.setenv("SHOP_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("SHOP_BASE_URL", base_url)
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'cookie.sqlite3'}"})
    try:
        assert app.config["SESSION_COOKIE_SECURE"] is secure
        assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
        assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    finally:
        dispose_database(app)
