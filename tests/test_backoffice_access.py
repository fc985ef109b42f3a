"""Back-office access: password, throttling, the switched-off state and amount parsing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from shop.accounts.service import MAX_FAILURES
from shop.backoffice.forms import InvalidAmount, parse_amount
from shop.config import ConfigError, load_settings
from shop.models import AttemptStatus, Order, PaymentAttempt

PASSWORD = "backoffice-demo"


def sign_in(client: Any, password: str = PASSWORD, ip: str = "198.51.100.9") -> Any:
    return client.post("/backoffice/sign-in", data={"password": password, "next": "/backoffice/"},
                       environ_base={"REMOTE_ADDR": ip})


def make_authorized_attempt(app: Any) -> str:
    from shop.extensions import db

    with app.app_context():
        order = Order(number="ORDTEST0001", customer_email="a@example.com", currency="SAR", total=Decimal("45.00"))
        attempt = PaymentAttempt(order=order, merchant_reference="ORDTEST0001-AAAAAA", method="card_mp",
                                 integration="merchant_page", command="AUTHORIZATION", amount_minor="4500",
                                 currency="SAR", status=AttemptStatus.AUTHORIZED.value, details={})
        db.session.add_all([order, attempt])
        db.session.commit()
        return attempt.merchant_reference


def test_signed_out_sees_form(client: Any) -> None:
    response = client.get("/backoffice/")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'action="/backoffice/sign-in"' in body
    assert "Orders" not in body


def test_sign_in_shows_orders(client: Any) -> None:
    response = sign_in(client)
    assert response.status_code == 302
    assert response.headers["Location"] == "/backoffice/"
    assert "<h1>Orders</h1>" in client.get("/backoffice/").get_data(as_text=True)


def test_wrong_password(client: Any) -> None:
    response = sign_in(client, "guess")
    assert response.status_code == 401
    assert "Wrong password." in response.get_data(as_text=True)


def test_throttled_after_failures(client: Any) -> None:
    for _ in range(MAX_FAILURES):
        sign_in(client, "guess")
    assert sign_in(client).status_code == 429
    assert sign_in(client, ip="198.51.100.10").status_code == 302


def test_operation_needs_staff(app: Any, client: Any) -> None:
    from shop.extensions import db
    from shop.models import PaymentOperation

    reference = make_authorized_attempt(app)
    response = client.post(f"/backoffice/attempts/{reference}/capture", data={"amount": "1.00"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/backoffice/sign-in")
    with app.app_context():
        assert db.session.query(PaymentOperation).count() == 0


def test_payment_page_lists_operations(app: Any, client: Any) -> None:
    reference = make_authorized_attempt(app)
    sign_in(client)
    body = client.get(f"/backoffice/payments/{reference}").get_data(as_text=True)
    assert f'action="/backoffice/attempts/{reference}/capture"' in body
    assert f'action="/backoffice/attempts/{reference}/void"' in body
    assert f'action="/backoffice/attempts/{reference}/check-status"' in body
    assert f'action="/backoffice/attempts/{reference}/refund"' not in body
    assert 'value="45.00"' in body


def test_unknown_payment_404(client: Any) -> None:
    sign_in(client)
    assert client.get("/backoffice/payments/NOPE").status_code == 404


def test_switched_off_without_password(tmp_path: Any, monkeypatch: Any) -> None:
    from shop import create_app
    from shop.stack import dispose_database

    monkeypatch.setenv("SHOP_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'off.sqlite3'}",
                      "WTF_CSRF_ENABLED": False, "BACKOFFICE_PASSWORD": ""})
    try:
        client = app.test_client()
        for response in (client.get("/backoffice/"), sign_in(client)):
            assert response.status_code == 503
            assert "BACKOFFICE_PASSWORD" in response.get_data(as_text=True)
    finally:
        dispose_database(app)


def test_password_setting_by_environment() -> None:
    assert load_settings({})["BACKOFFICE_PASSWORD"] == PASSWORD
    assert load_settings({"BACKOFFICE_PASSWORD": "s3cret-pass"})["BACKOFFICE_PASSWORD"] == "s3cret-pass"
    real = {"APS_ENV": "sandbox", "APS_MERCHANT_IDENTIFIER": "m", "APS_ACCESS_CODE": "a",
            "APS_SHA_REQUEST_PHRASE": "q", "APS_SHA_RESPONSE_PHRASE": "r", "SECRET_KEY": "k" * 32}
    assert load_settings(real)["BACKOFFICE_PASSWORD"] == ""


def test_reconcile_ages_must_be_positive() -> None:
    with pytest.raises(ConfigError, match="RECONCILE_AFTER_SECONDS"):
        load_settings({"RECONCILE_AFTER_SECONDS": "-5"})


@pytest.mark.parametrize(
    ("text", "currency", "minor"),
    [("12.5", "SAR", 1250), ("12.50", "SAR", 1250), ("1,234.50", "SAR", 123450), ("12.345", "KWD", 12345),
     ("١٢٫٥", "SAR", 1250), ("7", "JPY", 7)],
)
def test_parse_amount(sqlite_app: Any, text: str, currency: str, minor: int) -> None:
    with sqlite_app.test_request_context():
        assert parse_amount(text, currency) == minor


@pytest.mark.parametrize(("text", "currency"), [("0", "SAR"), ("-3", "SAR"), ("abc", "SAR"), ("12.345", "SAR"),
                                                ("1.0001", "KWD"), ("", "SAR"), ("NaN", "SAR")])
def test_parse_amount_rejects(sqlite_app: Any, text: str, currency: str) -> None:
    with sqlite_app.test_request_context(), pytest.raises(InvalidAmount):
        parse_amount(text, currency)
