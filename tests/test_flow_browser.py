"""One hosted card purchase in Chromium, from the catalogue to the receipt."""

from __future__ import annotations

import re

import pytest


@pytest.mark.parametrize("language", ["en", "ar"])
def test_browser_purchase_with_3ds(stack, page, language, tmp_path):
    shop_requests = []
    page.on("request", lambda request: shop_requests.append(request) if request.url.startswith(stack.shop_url) else None)

    page.goto(f"{stack.shop_url}/?lang={language}")
    assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
    page.click("a[href='/products/COFFEE-SA']")
    page.click("form[action='/cart/add'] button[type=submit]")
    page.click("a[href='/checkout/']")
    page.fill("input[name=customer_email]", "layla@example.com")
    page.fill("input[name=customer_name]", "ليلى" if language == "ar" else "Layla")
    page.click("form.checkout-form button[type=submit]")

    page.wait_for_url(re.compile(re.escape(stack.simulator_url) + ".*"))
    assert page.locator("html").get_attribute("lang") == language
    page.fill("input[name=card_number]", "4557 0123 4567 8902")
    page.fill("input[name=expiry]", "12/39")
    page.fill("input[name=card_security_code]", "123")
    page.fill("input[name=card_holder_name]", "Layla Test")
    page.screenshot(path=str(tmp_path / f"card-page-{language}.png"), full_page=True)
    page.click("form.card-form button.primary")

    # The 3-D Secure challenge is the top-level page, not a popup or an iframe.
    page.wait_for_selector("button[value=authenticate]")
    assert page.main_frame.url.startswith(stack.simulator_url)
    assert len(page.context.pages) == 1
    assert len(page.frames) == 1
    page.click("button[value=authenticate]")

    page.wait_for_url(re.compile(re.escape(stack.shop_url) + "/receipt/.*"))
    status = page.locator("section.receipt").get_attribute("data-order-status")
    assert status == "paid"
    heading = page.locator("section.receipt h1").inner_text()
    assert heading == ("تم الدفع بنجاح" if language == "ar" else "Payment successful")
    page.screenshot(path=str(tmp_path / f"receipt-{language}.png"), full_page=True)
    assert "2.68" in page.locator(".receipt-fields").inner_text()

    posted_to_shop = " ".join((request.post_data or "") + request.url for request in shop_requests)
    assert "4557012345678902" not in posted_to_shop.replace("+", "").replace("%20", "").replace(" ", "")
