"""Back office over real HTTP: capture, void, refund (partial, repeated, over the limit) and check status.

Payments are made on the merchant page against the simulator, then a member
of staff signs in to /backoffice and sends each operation. Totals are read
from the back office's own page and from the database.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
import requests
from sqlalchemy import select

from shop.config import SIMULATOR_BACKOFFICE_PASSWORD
from shop.extensions import db
from shop.models import PaymentAttempt, PaymentEvent, PaymentOperation
from shop.payments.operations import totals
from shop.simulator.state import get_state
from tests.mp_support import Shopper, csrf_token, merchant_reference_of, wait_until


class Staff:
    """A member of staff's browser on the back office."""

    def __init__(self, stack: Any) -> None:
        self.stack = stack
        self.http = requests.Session()

    def url(self, path: str) -> str:
        return self.stack.shop_url + path

    def sign_in(self, password: str = SIMULATOR_BACKOFFICE_PASSWORD) -> requests.Response:
        form = self.http.get(self.url("/backoffice/"), timeout=30)
        return self.http.post(self.url("/backoffice/sign-in"),
                              data={"csrf_token": csrf_token(form.text), "password": password, "next": "/backoffice/"},
                              timeout=30)

    def payment_page(self, reference: str) -> requests.Response:
        return self.http.get(self.url(f"/backoffice/payments/{reference}"), timeout=30)

    def operation(self, reference: str, name: str, amount: str | None = None) -> requests.Response:
        """Send an operation form as the page shows it; return the page after the redirect."""
        page = self.payment_page(reference)
        data = {"csrf_token": csrf_token(page.text)}
        if amount is not None:
            data["amount"] = amount
        return self.http.post(self.url(f"/backoffice/attempts/{reference}/{name}"), data=data, timeout=60)


def flash_text(page: requests.Response) -> str:
    return " ".join(re.findall(r'<p class="flash flash-(?:success|error)"[^>]*>([^<]*)</p>', page.text))


def shown_total(page: requests.Response, name: str) -> str:
    match = re.search(rf'data-total="{name}">([^<]*)<', page.text)
    assert match, page.text[:2000]
    return match.group(1).replace("\u00a0", " ")


def shown_state(page: requests.Response) -> str:
    return re.search(r'<section class="attempt"[^>]*data-state="([^"]+)"', page.text).group(1)


def pay(stack: Any, quantity: int = 1) -> str:
    """Pay 45.00 SAR per dates box on the merchant page; return the merchant_reference."""
    shopper = Shopper(stack)
    shopper.add_to_cart("DATES-SA", quantity)
    pay_page = shopper.checkout("card_mp")
    shopper.prepare(pay_page.text)
    receipt = shopper.follow(shopper.submit_card(pay_page.text))
    assert "/receipt/" in receipt.url
    return merchant_reference_of(pay_page)


def attempt_totals(stack: Any, reference: str) -> tuple[str, int, int, int]:
    with stack.shop_app.app_context():
        attempt = db.session.scalar(select(PaymentAttempt).where(PaymentAttempt.merchant_reference == reference))
        amounts = totals(attempt)
        return attempt.status, amounts.authorized, amounts.captured, amounts.refunded


def wait_for_notifications(stack: Any) -> None:
    assert get_state(stack.simulator_app).feedback.wait(20), "the simulator's feedback did not finish"


@pytest.fixture
def authorizing_stack(stack_factory: Any) -> Any:
    return stack_factory(shop_overrides={"APS_COMMAND": "AUTHORIZATION"})


@pytest.fixture
def staff(authorizing_stack: Any) -> Staff:
    member = Staff(authorizing_stack)
    assert member.sign_in().status_code == 200
    return member


def test_partial_captures_and_over_capture(authorizing_stack: Any, staff: Staff) -> None:
    reference = pay(authorizing_stack)
    assert attempt_totals(authorizing_stack, reference) == ("authorized", 4500, 0, 0)

    page = staff.operation(reference, "capture", "10.00")
    assert "04000" in flash_text(page)
    assert shown_state(page) == "partially_captured"
    assert shown_total(page, "captured") == "SAR 10.00"

    page = staff.operation(reference, "capture", "20")
    assert shown_total(page, "captured") == "SAR 30.00"

    page = staff.operation(reference, "capture", "20.00")
    assert "05042" in flash_text(page)
    assert "Nothing was changed" in flash_text(page)
    assert shown_total(page, "captured") == "SAR 30.00"

    page = staff.operation(reference, "capture", "15.00")
    assert shown_state(page) == "captured"
    assert attempt_totals(authorizing_stack, reference) == ("captured", 4500, 4500, 0)
    assert 'action="/backoffice/attempts/' + reference + '/capture"' not in page.text


def test_partial_refunds_and_over_refund(authorizing_stack: Any, staff: Staff) -> None:
    reference = pay(authorizing_stack)
    staff.operation(reference, "capture", "30.00")

    page = staff.operation(reference, "refund", "5.00")
    assert "06000" in flash_text(page)
    assert shown_state(page) == "partially_refunded"

    page = staff.operation(reference, "refund", "26.00")
    assert "07048" in flash_text(page)
    assert shown_total(page, "refunded") == "SAR 5.00"

    page = staff.operation(reference, "refund", "25.00")
    assert shown_state(page) == "refunded"
    assert attempt_totals(authorizing_stack, reference) == ("refunded", 4500, 3000, 3000)
    assert 'data-order-status="refunded"' in page.text


def test_void_authorization(authorizing_stack: Any, staff: Staff) -> None:
    reference = pay(authorizing_stack)
    page = staff.operation(reference, "void")
    assert "08000" in flash_text(page)
    assert shown_state(page) == "voided"
    assert attempt_totals(authorizing_stack, reference) == ("voided", 4500, 0, 0)
    assert "/capture" not in page.text
    # A capture posted anyway is refused by the shop and never reaches APS.
    page = staff.operation(reference, "capture", "1.00")
    assert "not possible" in flash_text(page)


def test_purchase_partial_refund(stack: Any) -> None:
    staff = Staff(stack)
    staff.sign_in()
    reference = pay(stack)
    page = staff.operation(reference, "refund", "4.50")
    assert shown_state(page) == "partially_refunded"
    assert attempt_totals(stack, reference) == ("paid", 4500, 4500, 450)


def test_notifications_never_double_count(authorizing_stack: Any, staff: Staff) -> None:
    reference = pay(authorizing_stack)
    staff.operation(reference, "capture", "10.00")
    staff.operation(reference, "capture", "10.00")
    staff.operation(reference, "refund", "5.00")
    wait_for_notifications(authorizing_stack)
    assert attempt_totals(authorizing_stack, reference) == ("captured", 4500, 2000, 500)

    with authorizing_stack.shop_app.app_context():
        notifications = db.session.scalars(
            select(PaymentEvent).where(PaymentEvent.merchant_reference == reference, PaymentEvent.transport == "notification")
        ).all()
        assert len(notifications) == 3
        assert all(event.verdict in {"duplicate", "accepted"} for event in notifications)
        replay = notifications[0]
        body, content_type = replay.raw_body, replay.content_type

    again = requests.post(authorizing_stack.shop_url + "/aps/notification", data=body.encode("utf-8"),
                          headers={"Content-Type": content_type}, timeout=30)
    assert again.status_code == 200
    assert attempt_totals(authorizing_stack, reference) == ("captured", 4500, 2000, 500)


def test_check_status_button(authorizing_stack: Any, staff: Staff) -> None:
    reference = pay(authorizing_stack)
    staff.operation(reference, "capture", "12.00")
    page = staff.operation(reference, "check-status")
    assert "Status checked" in flash_text(page)
    with authorizing_stack.shop_app.app_context():
        event = db.session.scalars(
            select(PaymentEvent).where(PaymentEvent.merchant_reference == reference, PaymentEvent.transport == "check-status")
        ).one()
        assert event.verdict == "accepted: totals match"
        assert event.params["captured_amount"] == "1200"


def test_check_status_records_capture_made_elsewhere(authorizing_stack: Any, staff: Staff) -> None:
    reference = pay(authorizing_stack)
    with authorizing_stack.shop_app.app_context():
        from shop.payments.gateway import get_client

        # A capture made in APS's own back office: the shop never sent it.
        answer = get_client().call({"command": "CAPTURE", "merchant_reference": reference, "amount": "700",
                                    "currency": "SAR", "language": "en"})
        assert answer["response_code"] == "04000"
    staff.operation(reference, "check-status")
    assert attempt_totals(authorizing_stack, reference) == ("captured", 4500, 700, 0)


def timeout_stack(stack_factory: Any, notifications: bool) -> Any:
    """A stack whose CAPTURE runs at the simulator but responds after the shop's 1 s read timeout."""
    simulator = {"SIMULATOR_API_FAULT": "timeout", "SIMULATOR_API_FAULT_COMMANDS": "CAPTURE",
                 "SIMULATOR_API_TIMEOUT_SECONDS": 3}
    if not notifications:
        simulator["SIMULATOR_NOTIFICATION_URL"] = ""
    return stack_factory(shop_overrides={"APS_COMMAND": "AUTHORIZATION", "APS_READ_TIMEOUT": 1.0},
                         simulator_overrides=simulator)


def operation_status(stack: Any) -> str:
    with stack.shop_app.app_context():
        return db.session.scalar(select(PaymentOperation.status))


def test_operation_timeout_then_check_status(stack_factory: Any) -> None:
    stack = timeout_stack(stack_factory, notifications=False)
    staff = Staff(stack)
    staff.sign_in()
    reference = pay(stack)
    page = staff.operation(reference, "capture", "10.00")
    assert "did not answer" in flash_text(page)
    assert operation_status(stack) == "unknown"
    assert attempt_totals(stack, reference) == ("authorized", 4500, 0, 0)

    staff.operation(reference, "check-status")
    assert operation_status(stack) == "succeeded"
    assert attempt_totals(stack, reference) == ("captured", 4500, 1000, 0)


def test_operation_timeout_confirmed_by_notification(stack_factory: Any) -> None:
    stack = timeout_stack(stack_factory, notifications=True)
    staff = Staff(stack)
    staff.sign_in()
    reference = pay(stack)
    staff.operation(reference, "capture", "10.00")
    wait_until(lambda: operation_status(stack) == "succeeded")
    wait_until(lambda: attempt_totals(stack, reference) == ("captured", 4500, 1000, 0))


@pytest.mark.parametrize("amount", ["0", "-1", "abc", "10.001"])
def test_invalid_amount_not_sent(authorizing_stack: Any, staff: Staff, amount: str) -> None:
    reference = pay(authorizing_stack)
    page = staff.operation(reference, "capture", amount)
    assert "flash-error" in page.text
    with authorizing_stack.shop_app.app_context():
        assert db.session.scalar(select(PaymentOperation)) is None
