"""Custom merchant page over real HTTP: tokenization to APS, the payment with the token, 3-D Secure, installments.

The shop and the simulator run on 127.0.0.1; ``Shopper`` plays the browser
and posts the card form to the simulator exactly as the page's script does.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from sqlalchemy import select

from shop.extensions import db
from shop.models import PaymentAttempt, PaymentEvent
from tests.mp_support import (
    EXPIRY_MM_YY,
    MADA,
    VISA,
    VISA_3DS,
    Shopper,
    card_data_in,
    find_form,
    merchant_reference_of,
    parse_forms,
)
from tests.simulator_helpers import card_page_actions, parse_return_form

DECLINED_CARD = "4000000000006660"


def attempt_of(stack: Any, merchant_reference: str) -> PaymentAttempt:
    with stack.shop_app.app_context():
        attempt = db.session.scalar(select(PaymentAttempt).where(PaymentAttempt.merchant_reference == merchant_reference))
        assert attempt is not None
        db.session.expunge(attempt)
        return attempt


def events_of(stack: Any, merchant_reference: str, transport: str | None = None) -> list[PaymentEvent]:
    with stack.shop_app.app_context():
        query = select(PaymentEvent).where(PaymentEvent.merchant_reference == merchant_reference).order_by(PaymentEvent.id)
        if transport:
            query = query.where(PaymentEvent.transport == transport)
        events = list(db.session.scalars(query))
        for event in events:
            db.session.expunge(event)
        return events


def start_merchant_page(stack: Any, sku: str = "DATES-SA", quantity: int = 1, **shopper_options: Any) -> tuple[Shopper, Any]:
    shopper = Shopper(stack, **shopper_options)
    shopper.add_to_cart(sku, quantity)
    return shopper, shopper.checkout("card_mp")


def pay_new_card(shopper: Shopper, pay_page: Any, number: str = VISA, plan: str = "", **card: Any) -> Any:
    shopper.prepare(pay_page.text, plan=plan)
    return shopper.follow(shopper.submit_card(pay_page.text, number=number, **card))


def test_form_posts_to_aps_only(stack: Any) -> None:
    _, pay_page = start_merchant_page(stack)
    form = find_form(pay_page.text, id="mp-new")
    assert form.action == stack.simulator_url + "/FortAPI/paymentPage"
    assert form.fields["service_command"] == "TOKENIZATION"
    assert form.fields["signature"]
    for name in ("card_number", "expiry_date", "card_security_code", "card_holder_name"):
        assert form.fields[name] == "", name
    # Every form of the page that carries card fields posts to APS.
    for other in parse_forms(pay_page.text):
        if "card_security_code" in other.fields:
            assert other.action == form.action


def test_visible_card_inputs_unnamed(stack: Any) -> None:
    _, pay_page = start_merchant_page(stack)
    inputs = re.findall(r"<input[^>]*autocomplete=\"cc-[a-z]+\"[^>]*>", pay_page.text)
    assert len(inputs) == 4
    for tag in inputs:
        assert " name=" not in tag, tag


def test_new_card_paid(stack: Any) -> None:
    shopper, pay_page = start_merchant_page(stack)
    reference = merchant_reference_of(pay_page)
    receipt = pay_new_card(shopper, pay_page)
    assert "/receipt/" in receipt.url
    assert 'data-order-status="paid"' in receipt.text
    attempt = attempt_of(stack, reference)
    assert attempt.status == "paid"
    assert attempt.card_number == "400555******0001"
    answers = events_of(stack, reference, "api-response")
    assert [event.response_code for event in answers] == ["14000"]
    assert answers[0].params["token_name"]


def test_shop_never_receives_card_data(stack: Any) -> None:
    shopper, pay_page = start_merchant_page(stack)
    pay_new_card(shopper, pay_page)
    assert shopper.shop_requests
    for sent in shopper.shop_requests:
        found = card_data_in(sent.url, sent.body, expiry=() if "/aps/return" in sent.url else ("3912", EXPIRY_MM_YY))
        assert found == [], f"{sent.method} {sent.url}"


def test_return_reload_pays_once(stack: Any) -> None:
    shopper, pay_page = start_merchant_page(stack)
    reference = merchant_reference_of(pay_page)
    shopper.prepare(pay_page.text)
    back_to_shop = shopper.return_location(shopper.submit_card(pay_page.text))
    first = shopper.get(back_to_shop, allow_redirects=False)
    second = shopper.get(back_to_shop, allow_redirects=False)
    assert first.status_code == 303
    assert second.status_code == 303
    assert "/receipt/" in second.headers["Location"]
    assert len(events_of(stack, reference, "api-response")) == 1
    assert len(events_of(stack, reference, "return-get")) == 2


def test_three_ds_redirect_to_aps(stack: Any) -> None:
    shopper, pay_page = start_merchant_page(stack)
    reference = merchant_reference_of(pay_page)
    shopper.prepare(pay_page.text)
    back_to_shop = shopper.return_location(shopper.submit_card(pay_page.text, number=VISA_3DS))
    answer = shopper.get(back_to_shop, allow_redirects=False)
    assert answer.status_code == 303
    challenge_url = answer.headers["Location"]
    assert challenge_url.startswith(stack.simulator_url + "/sim/3ds/")
    assert attempt_of(stack, reference).status == "3ds_required"

    challenge = shopper.http.post(challenge_url, data={"outcome": "authenticate"}, allow_redirects=False, timeout=30)
    receipt = shopper.follow(challenge)
    assert 'data-order-status="paid"' in receipt.text
    assert attempt_of(stack, reference).status == "paid"


def test_declined_card_declined(stack: Any) -> None:
    shopper, pay_page = start_merchant_page(stack)
    receipt = pay_new_card(shopper, pay_page, number=DECLINED_CARD)
    assert 'data-order-status="declined"' in receipt.text


def test_installment_plans_listed(stack: Any) -> None:
    _, pay_page = start_merchant_page(stack, quantity=12)
    values = re.findall(r'name="mp-plan" value="([^"]*)"', pay_page.text)
    assert "" in values
    assert "SIMBANK1:SB1M03" in values
    assert "Simulator Bank" in pay_page.text
    assert "SAR 180.00 a month" in pay_page.text.replace("\u00a0", " ")


def test_installment_plans_arabic(stack: Any) -> None:
    shopper = Shopper(stack)
    shopper.get("/?lang=ar")
    shopper.add_to_cart("DATES-SA", 12)
    pay_page = shopper.checkout("card_mp")
    assert "بنك المحاكي" in pay_page.text


def test_installment_purchase(stack: Any) -> None:
    shopper, pay_page = start_merchant_page(stack, quantity=12)
    reference = merchant_reference_of(pay_page)
    receipt = pay_new_card(shopper, pay_page, plan="SIMBANK1:SB1M03")
    assert 'data-order-status="paid"' in receipt.text
    answer = events_of(stack, reference, "api-response")[0].params
    assert answer["installments"] == "YES"
    assert answer["plan_code"] == "SB1M03"
    assert answer["issuer_code"] == "SIMBANK1"
    assert attempt_of(stack, reference).details["number_of_installments"] == "3"


def test_installment_plan_sent_as_purchase(stack_factory: Any) -> None:
    stack = stack_factory(shop_overrides={"APS_COMMAND": "AUTHORIZATION"})
    shopper, pay_page = start_merchant_page(stack, quantity=12)
    reference = merchant_reference_of(pay_page)
    receipt = pay_new_card(shopper, pay_page, plan="SIMBANK1:SB1M03")
    assert 'data-order-status="paid"' in receipt.text
    attempt = attempt_of(stack, reference)
    assert attempt.command == "PURCHASE"
    assert attempt.details["command_note"] == "installment plan: sent as PURCHASE"


def test_prepare_rejects_unknown_plan(stack: Any) -> None:
    shopper, pay_page = start_merchant_page(stack, quantity=12)
    url = re.search(r'data-prepare-url="([^"]+)"', pay_page.text).group(1)
    token = re.search(r'data-csrf-token="([^"]+)"', pay_page.text).group(1)
    response = shopper.post(url, json={"plan": "SIMBANK1:NOPE", "remember_me": "NO"}, headers={"X-CSRFToken": token})
    assert response.status_code == 400


def test_prepare_needs_csrf_token(stack: Any) -> None:
    shopper, pay_page = start_merchant_page(stack)
    url = re.search(r'data-prepare-url="([^"]+)"', pay_page.text).group(1)
    assert shopper.post(url, json={"plan": "", "remember_me": "NO"}).status_code == 400


def test_no_plans_for_kwd(stack: Any) -> None:
    _, pay_page = start_merchant_page(stack, sku="TEA-KW")
    assert 'name="mp-plan"' not in pay_page.text


def test_customer_ip_from_trusted_proxy(stack_factory: Any) -> None:
    stack = stack_factory(shop_overrides={"SHOP_TRUSTED_PROXIES": (ipaddress.ip_network("127.0.0.1/32"),)})
    shopper, pay_page = start_merchant_page(stack, forwarded_for="198.51.100.23")
    reference = merchant_reference_of(pay_page)
    pay_new_card(shopper, pay_page)
    answer = events_of(stack, reference, "api-response")[0].params
    assert answer["customer_ip"] == "198.51.100.23"


def test_customer_ip_ignores_untrusted_forwarded_for(stack: Any) -> None:
    shopper, pay_page = start_merchant_page(stack, forwarded_for="198.51.100.23")
    reference = merchant_reference_of(pay_page)
    pay_new_card(shopper, pay_page)
    answer = events_of(stack, reference, "api-response")[0].params
    assert answer["customer_ip"] == "127.0.0.1"


def test_mada_authorization_sent_as_purchase(stack_factory: Any) -> None:
    stack = stack_factory(shop_overrides={"APS_COMMAND": "AUTHORIZATION"})
    shopper, pay_page = start_merchant_page(stack)
    reference = merchant_reference_of(pay_page)
    receipt = pay_new_card(shopper, pay_page, number=MADA, cvv="350")
    assert 'data-order-status="paid"' in receipt.text
    attempt = attempt_of(stack, reference)
    assert attempt.command == "PURCHASE"
    assert attempt.payment_option == "MADA"


def test_visa_authorization_authorized(stack_factory: Any) -> None:
    stack = stack_factory(shop_overrides={"APS_COMMAND": "AUTHORIZATION"})
    shopper, pay_page = start_merchant_page(stack)
    receipt = pay_new_card(shopper, pay_page)
    assert 'data-order-status="authorized"' in receipt.text


@pytest.mark.parametrize("enabled", [True, False])
def test_device_fingerprint_setting(stack_factory: Any, enabled: bool) -> None:
    stack = stack_factory(shop_overrides={"APS_DEVICE_FINGERPRINT": enabled})
    shopper, pay_page = start_merchant_page(stack)
    reference = merchant_reference_of(pay_page)
    assert ('id="device_fingerprint"' in pay_page.text) is enabled
    assert "iesnare" not in pay_page.text  # APS's script is never loaded in simulator mode
    shopper.prepare(pay_page.text, device_fingerprint="SIMabc123")
    shopper.follow(shopper.submit_card(pay_page.text))
    answer = events_of(stack, reference, "api-response")[0].params
    assert (answer.get("device_fingerprint") == "SIMabc123") is enabled


def test_payment_api_error_leaves_pending(stack_factory: Any) -> None:
    stack = stack_factory(simulator_overrides={"SIMULATOR_API_FAULT": "http_500", "SIMULATOR_API_FAULT_COMMANDS": "PURCHASE"})
    shopper, pay_page = start_merchant_page(stack)
    reference = merchant_reference_of(pay_page)
    receipt = pay_new_card(shopper, pay_page)
    assert 'data-order-status="payment_pending"' in receipt.text
    attempt = attempt_of(stack, reference)
    assert attempt.status == "pending"
    assert attempt.token_payment_sent_at is not None
    errors = events_of(stack, reference, "api-response")
    assert len(errors) == 1
    assert errors[0].verdict.startswith("error:")
    assert VISA not in errors[0].raw_body + str(errors[0].params)


def test_hosted_installments_request(stack: Any) -> None:
    shopper = Shopper(stack)
    shopper.add_to_cart("DATES-SA", 12)
    handover = shopper.checkout("installments")
    form = find_form(handover.text, id="aps-payment-form")
    assert form.fields["installments"] == "STANDALONE"
    assert form.fields["command"] == "PURCHASE"

    card_page = shopper.http.post(form.action, data=form.fields, timeout=30)
    pay_url, _ = card_page_actions(card_page.text)
    result = shopper.http.post(
        stack.simulator_url + pay_url,
        data={"card_number": VISA, "expiry": EXPIRY_MM_YY, "card_security_code": "123",
              "card_holder_name": "Test Shopper", "plan": "SIMBANK1:SB1M03"},
        timeout=30,
    )
    back = parse_return_form(result.text)
    receipt = shopper.post(back.url, back.fields)
    assert 'data-order-status="paid"' in receipt.text
    reference = back.fields["merchant_reference"]
    assert attempt_of(stack, reference).details["number_of_installments"] == "3"
    assert "3 monthly payments" in receipt.text


def test_return_query_has_no_clear_card_number(stack: Any) -> None:
    shopper, pay_page = start_merchant_page(stack)
    shopper.prepare(pay_page.text)
    back_to_shop = shopper.return_location(shopper.submit_card(pay_page.text))
    fields = dict(parse_qsl(urlsplit(back_to_shop).query))
    assert fields["response_code"] == "18000"
    assert fields["card_number"] == "400555******0001"
    assert "card_security_code" not in fields
