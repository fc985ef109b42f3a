"""The hosted pages in real Chromium: form POST in, card page, 3-D Secure, form POST back to the shop."""

from __future__ import annotations

import html

import pytest

from shop.aps import verify_signature
from simulator_helpers import RESPONSE_PHRASE, FeedbackReceiver, ServedApp, make_app, page_request, sign_request

# The ``browser`` fixture (headless Chromium, skipped when none is installed) comes from conftest.py.


@pytest.fixture()
def shop():
    """Stands in for the shop: records the browser's return POST."""
    server = FeedbackReceiver()
    yield server
    server.close()


@pytest.fixture()
def simulator():
    served = ServedApp(make_app())
    yield served
    served.close()


def merchant_form(action: str, fields: dict[str, str]) -> str:
    """The auto-submitting form a shop renders to send the shopper to paymentPage."""
    inputs = "".join(
        f'<input type="hidden" name="{html.escape(name)}" value="{html.escape(value)}">' for name, value in fields.items()
    )
    return f'<form id="f" method="post" action="{html.escape(action)}">{inputs}</form><script>f.submit()</script>'


def start(page, simulator, shop, **fields):
    request = sign_request(page_request(return_url=shop.url("/aps/return"), **fields))
    with page.expect_navigation():
        page.set_content(merchant_form(simulator.base_url + "/FortAPI/paymentPage", request))
    return request


def fill_card(page, number, expiry="12/39", cvv="123", holder="Test Shopper"):
    page.fill("#card_number", number)
    page.fill("#expiry", expiry)
    page.fill("#card_security_code", cvv)
    page.fill("#card_holder_name", holder)


def test_arabic_3ds_payment_returns_by_form_post(page, simulator, shop):
    request = start(page, simulator, shop, language="ar", currency="KWD", amount="12345")
    assert page.get_attribute("html", "dir") == "rtl"
    assert page.get_attribute("html", "lang") == "ar"
    assert page.eval_on_selector("#card_number", "el => getComputedStyle(el).direction") == "ltr"
    assert "12.345 KWD" in page.inner_text(".amount")

    fill_card(page, "4557012345678902")
    page.click("button.primary")
    page.wait_for_url("**/sim/3ds/**")
    assert page.get_attribute("html", "dir") == "rtl"

    page.click("button[value=authenticate]")
    posts = shop.wait_for(1)

    post = posts[0]
    assert post.path == "/aps/return"
    assert post.content_type == "application/x-www-form-urlencoded"
    assert post.fields["response_code"] == "14000"
    assert post.fields["response_message"] == "عملية ناجحة"
    assert post.fields["merchant_reference"] == request["merchant_reference"]
    assert verify_signature(post.fields, RESPONSE_PHRASE)


def test_card_errors_then_decline(page, simulator, shop):
    start(page, simulator, shop, customer_name="customer's name")
    fill_card(page, "4000000000006661", expiry="01/20", cvv="1")
    page.click("button.primary")
    assert page.inner_text("#card_number-error") == "Enter a valid card number."
    assert page.inner_text("#expiry-error") == "This card has expired."

    fill_card(page, "4000000000006660")
    page.click("button.primary")
    post = shop.wait_for(1)[0]
    assert post.fields["response_code"] == "13666"
    assert post.fields["customer_name"] == "customer&#39;s name"
    assert verify_signature(post.fields, RESPONSE_PHRASE)


def test_cancel_returns_00072(page, simulator, shop):
    start(page, simulator, shop)
    page.click("button.secondary")
    post = shop.wait_for(1)[0]
    assert post.fields["response_code"] == "00072"


def test_no_javascript_fallback_button(browser, simulator, shop):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    request = sign_request(page_request(return_url=shop.url("/aps/return"), amount="0"))
    page.set_content(merchant_form(simulator.base_url + "/FortAPI/paymentPage", request) + '<button form="f">go</button>')
    with page.expect_navigation():
        page.click("text=go")
    with page.expect_navigation():
        page.click("button.primary")
    post = shop.wait_for(1)[0]
    context.close()
    assert post.fields["response_code"] == "00005"
