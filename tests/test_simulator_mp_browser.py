"""The merchant page in real Chromium: custom card form, token payment with 3-D Secure, iframe-style card page."""

from __future__ import annotations

import html

import pytest
import requests

from shop.aps import verify_signature
from shop.aps.signature import TOKENIZATION_UNSIGNED_FIELDS
from simulator_helpers import RESPONSE_PHRASE, FeedbackReceiver, ServedApp, make_app, sign_request
from simulator_mp_helpers import VISA_3DS, BrowserReceiver, payment_request, query_fields, tokenization_request

# The ``page`` fixture (headless Chromium, skipped when none is installed) comes from conftest.py.


@pytest.fixture()
def live():
    """The simulator over HTTP, a stand-in for the shop's return_url and a feedback receiver."""
    feedback = FeedbackReceiver()
    shop = BrowserReceiver()
    served = ServedApp(make_app(SIMULATOR_FEEDBACK_MODE="async", SIMULATOR_FEEDBACK_URL=feedback.url("/aps/feedback"),
                                SIMULATOR_NOTIFICATION_URL=""))
    yield served, shop, feedback
    served.close()
    shop.close()
    feedback.close()


def custom_card_form(action: str, signed: dict[str, str]) -> str:
    """A merchant's own card form: the signed hidden fields plus inputs the shopper types into."""
    hidden = "".join(
        f'<input type="hidden" name="{html.escape(name)}" value="{html.escape(value)}">' for name, value in signed.items()
    )
    visible = (
        '<input id="card_number" name="card_number"><input id="expiry_date" name="expiry_date">'
        '<input id="card_security_code" name="card_security_code"><input id="card_holder_name" name="card_holder_name">'
        '<input id="remember_me" name="remember_me" type="checkbox" value="YES">'
    )
    return f'<form id="f" method="post" action="{html.escape(action)}">{hidden}{visible}<button id="pay">Pay</button></form>'


def test_custom_checkout_with_3ds(page, live):
    served, shop, feedback = live
    request = tokenization_request(return_url=shop.url())
    signed = sign_request({name: value for name, value in request.items() if name not in TOKENIZATION_UNSIGNED_FIELDS})
    page.set_content(custom_card_form(served.base_url + "/FortAPI/paymentPage", signed))
    page.fill("#card_number", VISA_3DS)
    page.fill("#expiry_date", "3912")
    page.fill("#card_security_code", "123")
    page.fill("#card_holder_name", "Test Shopper")
    page.check("#remember_me")
    with page.expect_navigation(url=shop.url() + "?**"):
        page.click("#pay")

    tokenization = query_fields(page.url)
    assert tokenization["response_code"] == "18000"
    assert tokenization["remember_me"] == "YES"
    assert tokenization["card_bin"] == "455701"
    assert verify_signature(tokenization, RESPONSE_PHRASE)
    assert shop.received[-1].method == "GET"

    payment = payment_request(tokenization["token_name"], merchant_reference=tokenization["merchant_reference"],
                              card_security_code=None, return_url=shop.url())
    answer = requests.post(served.base_url + "/FortAPI/paymentApi", json=sign_request(payment), timeout=10).json()
    assert answer["response_code"] == "20064"

    page.goto(answer["3ds_url"])
    with page.expect_navigation(url=shop.url() + "?**"):
        page.click("button[value=authenticate]")
    final = query_fields(page.url)
    assert final["response_code"] == "14000"
    assert final["fort_id"] == answer["fort_id"]
    assert final["token_name"] == tokenization["token_name"]
    assert verify_signature(final, RESPONSE_PHRASE)
    assert feedback.wait_for(1)[0].fields == final


def test_card_page_with_plan_picker_arabic(page, live):
    served, shop, _ = live
    request = tokenization_request(return_url=shop.url(), language="ar", installments="STANDALONE", amount="150000",
                                   currency="SAR", card_number=None, expiry_date=None, card_security_code=None,
                                   card_holder_name=None)
    fields = sign_request(request)
    inputs = "".join(
        f'<input type="hidden" name="{html.escape(name)}" value="{html.escape(value)}">' for name, value in fields.items()
    )
    with page.expect_navigation():
        page.set_content(f'<form id="f" method="post" action="{served.base_url}/FortAPI/paymentPage">{inputs}</form>'
                         "<script>f.submit()</script>")
    assert page.get_attribute("html", "dir") == "rtl"
    assert "الدفع بالتقسيط" in page.inner_text("legend")
    page.fill("#card_number", "4005550000000001")
    page.fill("#expiry", "12/39")
    page.fill("#card_security_code", "123")
    page.fill("#card_holder_name", "Test Shopper")
    page.check("input[value='SIMBANK1:SB1M06']")
    with page.expect_navigation(url=shop.url() + "?**"):
        page.click("button.primary")
    result = query_fields(page.url)
    assert result["response_code"] == "18000"
    assert result["response_message"] == "عملية ناجحة"
    assert result["plan_code"] == "SB1M06"
    assert result["number_of_installments"] == "6"
    assert verify_signature(result, RESPONSE_PHRASE)
