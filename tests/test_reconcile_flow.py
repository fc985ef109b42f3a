"""`flask aps reconcile` against the simulator: lost browser returns, lost feedback, paymentApi timeouts, 12036."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from shop.extensions import db
from shop.models import PaymentAttempt, PaymentEvent
from shop.simulator.state import get_state
from tests.mp_support import EXPIRY_MM_YY, VISA, Shopper, find_form, merchant_reference_of, wait_until
from tests.simulator_helpers import card_page_actions

PENDING_CARD = "4000000000007775"


def run_reconcile(stack: Any, *options: str) -> Any:
    result = stack.shop_app.test_cli_runner().invoke(args=["aps", "reconcile", *options])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def attempt_status(stack: Any, reference: str) -> str:
    with stack.shop_app.app_context():
        return db.session.scalar(select(PaymentAttempt.status).where(PaymentAttempt.merchant_reference == reference))


def check_status_events(stack: Any, reference: str) -> list[PaymentEvent]:
    with stack.shop_app.app_context():
        events = db.session.scalars(
            select(PaymentEvent).where(PaymentEvent.merchant_reference == reference, PaymentEvent.transport == "check-status")
        ).all()
        for event in events:
            db.session.expunge(event)
        return list(events)


def pay_hosted(stack: Any, number: str = VISA) -> str:
    """Pay on the simulator's hosted card page; return the merchant_reference. The return may be dropped."""
    shopper = Shopper(stack)
    shopper.add_to_cart("DATES-SA")
    handover = shopper.checkout("card")
    form = find_form(handover.text, id="aps-payment-form")
    card_page = shopper.http.post(form.action, data=form.fields, timeout=30)
    pay_url, _ = card_page_actions(card_page.text)
    shopper.http.post(stack.simulator_url + pay_url, timeout=30, data={
        "card_number": number, "expiry": EXPIRY_MM_YY, "card_security_code": "123", "card_holder_name": "Test Shopper",
    })
    return form.fields["merchant_reference"]


def test_dropped_return_and_feedback(stack_factory: Any) -> None:
    stack = stack_factory(simulator_overrides={"SIMULATOR_DROP_RETURN": True, "SIMULATOR_FEEDBACK_FAILURE": "drop"})
    reference = pay_hosted(stack)
    assert attempt_status(stack, reference) == "pending"

    result = run_reconcile(stack, "--older-than", "0")
    assert result.exit_code == 0
    assert "checked 1 attempts: 1 settled" in result.output
    assert attempt_status(stack, reference) == "paid"
    events = check_status_events(stack, reference)
    assert [event.verdict for event in events] == ["accepted"]
    assert events[0].params["transaction_code"] == "14000"


def test_failed_feedback(stack_factory: Any) -> None:
    stack = stack_factory(simulator_overrides={"SIMULATOR_DROP_RETURN": True, "SIMULATOR_FEEDBACK_FAILURE": "error",
                                               "SIMULATOR_FEEDBACK_RETRIES": 1})
    reference = pay_hosted(stack)
    assert get_state(stack.simulator_app).feedback.wait(10)
    assert attempt_status(stack, reference) == "pending"
    run_reconcile(stack, "--older-than", "0")
    assert attempt_status(stack, reference) == "paid"


def test_payment_api_timeout(stack_factory: Any) -> None:
    stack = stack_factory(
        shop_overrides={"APS_READ_TIMEOUT": 1.0},
        simulator_overrides={"SIMULATOR_API_FAULT": "timeout", "SIMULATOR_API_FAULT_COMMANDS": "PURCHASE",
                             "SIMULATOR_API_TIMEOUT_SECONDS": 3, "SIMULATOR_FEEDBACK_FAILURE": "drop"},
    )
    shopper = Shopper(stack)
    shopper.add_to_cart("DATES-SA")
    pay_page = shopper.checkout("card_mp")
    reference = merchant_reference_of(pay_page)
    shopper.prepare(pay_page.text)
    receipt = shopper.follow(shopper.submit_card(pay_page.text))
    assert 'data-order-status="payment_pending"' in receipt.text
    assert attempt_status(stack, reference) == "pending"

    result = run_reconcile(stack, "--older-than", "0")
    assert "1 settled" in result.output
    assert attempt_status(stack, reference) == "paid"


def test_uncertain_payment_settled(stack_factory: Any) -> None:
    stack = stack_factory(simulator_overrides={"SIMULATOR_NOTIFICATION_URL": "", "SIMULATOR_PENDING_SETTLE_SECONDS": 0.2})
    reference = pay_hosted(stack, number=PENDING_CARD)
    wait_until(lambda: attempt_status(stack, reference) == "on_hold")
    store = get_state(stack.simulator_app).store
    wait_until(lambda: store.find(merchant_reference=reference).response_code == "14000")
    run_reconcile(stack, "--older-than", "0")
    assert attempt_status(stack, reference) == "paid"


def test_recent_attempts_left_alone(stack_factory: Any) -> None:
    stack = stack_factory(simulator_overrides={"SIMULATOR_DROP_RETURN": True, "SIMULATOR_FEEDBACK_FAILURE": "drop"})
    reference = pay_hosted(stack)
    result = run_reconcile(stack, "--older-than", "3600")
    assert "checked 0 attempts" in result.output
    assert attempt_status(stack, reference) == "pending"


def test_unknown_at_aps_abandoned_after_age(stack: Any) -> None:
    shopper = Shopper(stack)
    shopper.add_to_cart("DATES-SA")
    handover = shopper.checkout("card")  # the shopper never reaches APS
    reference = find_form(handover.text, id="aps-payment-form").fields["merchant_reference"]

    result = run_reconcile(stack, "--older-than", "0", "--abandon-after", "3600")
    assert "1 still open" in result.output
    assert attempt_status(stack, reference) == "pending"

    result = run_reconcile(stack, "--older-than", "0", "--abandon-after", "0")
    assert "1 abandoned" in result.output
    assert attempt_status(stack, reference) == "failed"
    verdicts = [event.verdict for event in check_status_events(stack, reference)]
    assert verdicts[0].startswith("ignored: unknown at APS")
    assert verdicts[1] == "accepted: abandoned"
    assert check_status_events(stack, reference)[1].response_code == "12036"


def test_tokenized_never_paid_not_checked(stack_factory: Any) -> None:
    stack = stack_factory(simulator_overrides={"SIMULATOR_DROP_RETURN": True})
    shopper = Shopper(stack)
    shopper.add_to_cart("DATES-SA")
    pay_page = shopper.checkout("card_mp")
    reference = merchant_reference_of(pay_page)
    shopper.prepare(pay_page.text)
    shopper.submit_card(pay_page.text)
    # The token never reached the shop, so nothing was charged; the attempt is still "created".
    assert attempt_status(stack, reference) == "created"
    result = run_reconcile(stack, "--older-than", "0")
    assert "checked 0 attempts" in result.output


def test_check_failure_exit_status(stack_factory: Any) -> None:
    stack = stack_factory(simulator_overrides={"SIMULATOR_DROP_RETURN": True, "SIMULATOR_FEEDBACK_FAILURE": "drop",
                                               "SIMULATOR_API_FAULT": "http_500", "SIMULATOR_API_FAULT_COMMANDS": "CHECK_STATUS"})
    reference = pay_hosted(stack)
    result = run_reconcile(stack, "--older-than", "0")
    assert result.exit_code == 1
    assert "1 errors" in result.output
    assert attempt_status(stack, reference) == "pending"
