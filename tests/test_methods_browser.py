"""KNET, STC Pay and mada in real Chromium, from the product page to the receipt, in English and Arabic.

Each step is saved as a full-page screenshot under the test's temporary
folder, or under METHODS_SCREENSHOT_DIR when that variable is set, so the
pages can be looked at.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from methods_helpers import attempt_state

SCREENSHOT_DIR_VARIABLE = "METHODS_SCREENSHOT_DIR"


@pytest.fixture
def shots(tmp_path):
    """Return ``save(page, name)``, which saves a full-page screenshot."""
    folder = Path(os.environ.get(SCREENSHOT_DIR_VARIABLE) or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)

    def save(page, name):
        page.screenshot(path=str(folder / f"{name}.png"), full_page=True)

    return save


def open_product(page, stack, sku, language):
    page.goto(f"{stack.shop_url}/?lang={language}")
    page.goto(f"{stack.shop_url}/products/{sku}")
    assert page.get_attribute("html", "dir") == ("rtl" if language == "ar" else "ltr")


def add_to_cart_and_check_out(page, method):
    page.click("form.inline-form button.primary")
    page.wait_for_url("**/cart/")
    cart_marks = page.locator(".payment-marks img")
    assert cart_marks.count() >= 2
    page.click("a.button.primary[href$='/checkout/']")
    page.wait_for_url("**/checkout/")
    page.fill("#customer_email", "sara@example.com")
    page.check(f"input[name=payment_method][value={method}]")


@pytest.mark.parametrize("language", ["en", "ar"])
def test_knet_from_product_to_receipt(page, stack, shots, language):
    open_product(page, stack, "BUKHOOR-KW", language)
    knet_mark = page.locator('.payment-marks img[data-brand-mark="knet"]')
    assert knet_mark.is_visible()
    assert knet_mark.evaluate("img => img.naturalWidth") > 0
    shots(page, f"knet-{language}-1-product")

    add_to_cart_and_check_out(page, "knet")
    assert page.locator('[data-method="knet"] img[data-brand-mark="knet"]').is_visible()
    assert page.locator('[data-method="card"] img[data-brand-mark="amex"]').is_visible()
    shots(page, f"knet-{language}-2-checkout")

    page.click("form.checkout-form button[type=submit]")
    page.wait_for_url("**/FortAPI/paymentPage")
    assert page.locator("form[data-method=knet][data-step=card]").is_visible()
    assert page.locator(".method-heading img.method-mark").evaluate("img => img.naturalWidth") > 0
    assert page.get_attribute("html", "lang") == language
    page.fill("#card_number", "0000000001")
    page.fill("#expiry", "12/39")
    page.fill("#pin", "1234")
    shots(page, f"knet-{language}-3-knet-card")
    page.click("button.primary")
    page.wait_for_url("**/confirm")
    shots(page, f"knet-{language}-4-knet-confirm")

    page.click("button.primary")
    page.wait_for_url("**/receipt/**")
    assert page.get_attribute(".receipt", "data-order-status") == "paid"
    reference = page.inner_text(".merchant-reference").strip()
    attempt, _ = attempt_state(stack, reference)
    assert page.inner_text(".knet-ref-number").strip() == attempt.details["knet_ref_number"]
    assert page.inner_text(".knet-transaction-number").strip() == attempt.details["third_party_transaction_number"]
    assert "12.345" in page.inner_text(".knet-amount")
    assert page.inner_text(".knet-transaction-date").strip()
    shots(page, f"knet-{language}-5-receipt")


@pytest.mark.parametrize("language", ["en", "ar"])
def test_stcpay_from_product_to_receipt(page, stack, shots, language):
    open_product(page, stack, "DATES-SA", language)
    marks = page.locator(".payment-marks img").evaluate_all("images => images.map(img => img.dataset.brandMark)")
    assert marks[0] == "mada"
    assert "stcpay" in marks
    shots(page, f"stcpay-{language}-1-product")

    add_to_cart_and_check_out(page, "stcpay")
    card_marks = page.locator('[data-method="card"] img').evaluate_all("images => images.map(img => img.dataset.brandMark)")
    assert card_marks == ["mada", "visa", "mastercard", "amex"]
    shots(page, f"stcpay-{language}-2-checkout")

    page.click("form.checkout-form button[type=submit]")
    page.wait_for_url("**/stcpay/**/phone")
    page.fill("#phone_number", "٠٥٠٠٠٠٠٠٠١" if language == "ar" else "+966 50 000 0001")
    shots(page, f"stcpay-{language}-3-phone")
    page.click("form.stcpay-form button[type=submit]")
    page.wait_for_url("**/stcpay/**/otp")
    assert page.is_disabled("#resend-code")
    assert page.inner_text(".phone-number").strip() == "+966 50 000 0001"
    assert page.eval_on_selector("#otp", "el => getComputedStyle(el).direction") == "ltr"
    page.fill("#otp", "1234")
    shots(page, f"stcpay-{language}-4-otp")

    page.click("form.stcpay-form button[type=submit]")
    page.wait_for_url("**/receipt/**")
    assert page.get_attribute(".receipt", "data-order-status") == "paid"
    assert page.inner_text(".stcpay-wallet").strip() == "••••••0001"
    shots(page, f"stcpay-{language}-5-receipt")


def test_simulator_card_page_marks_typed_mada_card(page, stack, shots):
    open_product(page, stack, "DATES-SA", "en")
    add_to_cart_and_check_out(page, "card")
    page.click("form.checkout-form button[type=submit]")
    page.wait_for_url("**/FortAPI/paymentPage")
    detected = "document.getElementById('card-brand-marks').dataset.detectedBrand"

    page.fill("#card_number", "5297 4125 4200 5689")
    page.wait_for_function(f"{detected} === 'mada'")
    assert "is-detected" in page.get_attribute("img[data-brand-mark=mada]", "class")
    assert "is-dimmed" in page.get_attribute("img[data-brand-mark=mastercard]", "class")
    shots(page, "mada-en-simulator-card-page")

    page.fill("#card_number", "4000 5297 4100 0006")
    page.wait_for_function(f"{detected} === 'visa'")
    page.fill("#card_number", "٥٢٩٧٤١٢٥٤٢٠٠٥٦٨٩")
    page.wait_for_function(f"{detected} === 'mada'")
    page.fill("#card_number", "3456 789012 34564")
    page.wait_for_function(f"{detected} === 'amex'")
    page.fill("#card_number", "2221 0000 0000 0009")
    page.wait_for_function(f"{detected} === 'mastercard'")
    page.fill("#card_number", "")
    page.wait_for_function(f"{detected} === ''")


def test_card_brand_script_rules(page, stack):
    page.goto(stack.shop_url + "/cart/")
    page.add_script_tag(url=stack.shop_url + "/static/js/card-brand.js")
    results = page.evaluate(
        """() => [
          CardBrand.detect("4406470000000002", ["440647"]),
          CardBrand.detect("4000440647000006", ["440647"]),
          CardBrand.detect("2233790200000004", ["22337902"]),
          CardBrand.detect("2233790300000001", ["22337902"]),
          CardBrand.detect("4005550000000001", ["", "|"]),
          CardBrand.detect("4005550000000001", null),
          CardBrand.detect("", ["440647"]),
          CardBrand.digitsOf("٥٢٩٧ ۴۱ 25"),
        ]"""
    )
    assert results == ["mada", "visa", "mada", "mastercard", "visa", "visa", None, "52974125"]
