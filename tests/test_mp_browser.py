"""Custom merchant page in Chromium: card data stays off the shop, 3-D Secure in the top window, saved cards, plans.

Every request the page sends to the shop is recorded and searched for the
test card's number, CVV and expiry date. The shop's ``/aps/return`` URL is
APS's own signed message, which by protocol carries the masked number and
``expiry_date`` back, so only the number and CVV are searched there.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from shop.extensions import db
from shop.models import PaymentAttempt, PaymentEvent, SavedCard
from tests.mp_support import CVV, EXPIRY_MM_YY, EXPIRY_YYMM, HOLDER, PASSWORD, VISA, VISA_3DS, card_data_in

ARABIC_INDIC_VISA = "٤٠٠٥٥٥٠٠٠٠٠٠٠٠٠١"  # 4005550000000001 typed on an Arabic keyboard


class ShopRecorder:
    """Records every request a page sends to the shop."""

    def __init__(self, page: Any, shop_url: str) -> None:
        self.requests: list[tuple[str, str, str | None]] = []
        page.on("request", lambda request: self._add(request, shop_url))

    def _add(self, request: Any, shop_url: str) -> None:
        if request.url.startswith(shop_url):
            self.requests.append((request.method, request.url, request.post_data))

    def card_data(self) -> list[str]:
        found = []
        for method, url, body in self.requests:
            expiry = () if "/aps/return" in url else (EXPIRY_YYMM, EXPIRY_MM_YY)
            found += [f"{method} {url}: {item}" for item in card_data_in(url, body, expiry=expiry)]
        return found


def add_to_cart(page: Any, shop_url: str, sku: str = "DATES-SA", quantity: int = 1) -> None:
    page.goto(f"{shop_url}/products/{sku}")
    page.fill("#quantity", str(quantity))
    page.click("form.inline-form button[type=submit]")
    page.wait_for_url(f"{shop_url}/cart/")


def checkout_merchant_page(page: Any, shop_url: str, email: str | None = "shopper@example.com") -> None:
    """Place the order with the merchant-page card method; ``email`` None keeps the pre-filled address."""
    page.goto(f"{shop_url}/checkout/")
    if email is not None:
        page.fill("#customer_email", email)
    page.check("input[name=payment_method][value=card_mp]")
    page.click("form.checkout-form button[type=submit]")
    page.wait_for_url("**/checkout/pay/**")


def type_new_card(page: Any, number: str = VISA, expiry: str = EXPIRY_MM_YY, cvv: str = CVV, holder: str = HOLDER) -> None:
    page.fill("#mp-number", number)
    page.fill("#mp-expiry", expiry)
    page.fill("#mp-cvv", cvv)
    page.fill("#mp-holder", holder)


def attempt_for(stack: Any, url: str) -> PaymentAttempt:
    reference = url.rstrip("/").rsplit("/", 1)[-1]
    with stack.shop_app.app_context():
        attempt = db.session.scalar(select(PaymentAttempt).where(PaymentAttempt.merchant_reference == reference))
        db.session.expunge(attempt)
        return attempt


def test_card_data_never_reaches_shop(page: Any, stack: Any) -> None:
    recorder = ShopRecorder(page, stack.shop_url)
    add_to_cart(page, stack.shop_url)
    checkout_merchant_page(page, stack.shop_url)
    type_new_card(page)
    page.click("#mp-new button[type=submit]")
    page.wait_for_url("**/receipt/**")
    assert page.locator("[data-order-status=paid]").count() == 1
    assert any("/aps/return" in url for _, url, _ in recorder.requests)
    assert recorder.card_data() == []


def test_arabic_digits_converted(page: Any, stack: Any) -> None:
    add_to_cart(page, stack.shop_url)
    page.goto(f"{stack.shop_url}/?lang=ar")
    checkout_merchant_page(page, stack.shop_url)
    type_new_card(page, number=ARABIC_INDIC_VISA, expiry="١٢/٣٩", cvv="١٢٣")
    assert page.input_value("#mp-number") == "4005 5500 0000 0001"
    page.click("#mp-new button[type=submit]")
    page.wait_for_url("**/receipt/**")
    assert page.locator("[data-order-status=paid]").count() == 1


def test_invalid_card_stays_on_page(page: Any, stack: Any) -> None:
    add_to_cart(page, stack.shop_url)
    checkout_merchant_page(page, stack.shop_url)
    pay_url = page.url
    sent_to_aps: list[str] = []
    page.on("request", lambda request: sent_to_aps.append(request.url) if request.url.startswith(stack.simulator_url) else None)
    type_new_card(page, number="4005550000000002", expiry="01/20")
    page.click("#mp-new button[type=submit]")
    assert page.locator('[data-error-for="number"]').is_visible()
    assert page.locator('[data-error-for="expiry"]').is_visible()
    assert page.url == pay_url
    assert sent_to_aps == []


def test_three_ds_in_top_window(page: Any, stack: Any) -> None:
    add_to_cart(page, stack.shop_url)
    checkout_merchant_page(page, stack.shop_url)
    pay_url = page.url
    type_new_card(page, number=VISA_3DS)
    page.click("#mp-new button[type=submit]")
    page.wait_for_url(f"{stack.simulator_url}/sim/3ds/**")
    assert page.main_frame.url.startswith(f"{stack.simulator_url}/sim/3ds/")
    assert len(page.frames) == 1
    assert page.context.pages == [page]
    assert attempt_for(stack, pay_url).status == "3ds_required"

    page.click("button[value=authenticate]")
    page.wait_for_url("**/receipt/**")
    assert page.locator("[data-order-status=paid]").count() == 1


def test_plan_picker_by_card_bin(page: Any, stack: Any) -> None:
    add_to_cart(page, stack.shop_url, quantity=12)
    checkout_merchant_page(page, stack.shop_url)
    pay_url = page.url
    simulator_bank = page.locator("label.mp-plan", has=page.locator("input[value='SIMBANK1:SB1M03']"))
    card_services = page.locator("label.mp-plan", has=page.locator("input[value='SIMCARD1:SC1M03']"))
    assert simulator_bank.is_visible()
    assert card_services.is_visible()

    type_new_card(page)
    assert simulator_bank.is_visible()
    assert card_services.is_hidden()
    page.check("input[value='SIMBANK1:SB1M03']")
    page.click("#mp-new button[type=submit]")
    page.wait_for_url("**/receipt/**")
    assert page.locator("[data-order-status=paid]").count() == 1
    assert attempt_for(stack, pay_url).details["number_of_installments"] == "3"


def sign_up(page: Any, shop_url: str, email: str) -> None:
    page.goto(f"{shop_url}/account/sign-up")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.fill("#confirm", PASSWORD)
    page.click("form.account-form button[type=submit]")
    page.wait_for_url(f"{shop_url}/account/")


def test_save_card_pay_with_cvv_then_delete(page: Any, stack: Any) -> None:
    recorder = ShopRecorder(page, stack.shop_url)
    sign_up(page, stack.shop_url, "saver@example.com")

    add_to_cart(page, stack.shop_url)
    page.goto(f"{stack.shop_url}/checkout/")
    assert page.input_value("#customer_email") == "saver@example.com"
    checkout_merchant_page(page, stack.shop_url, email=None)
    type_new_card(page)
    page.check("[data-role=remember]")
    page.click("#mp-new button[type=submit]")
    page.wait_for_url("**/receipt/**")
    assert page.locator("[data-order-status=paid]").count() == 1

    page.goto(f"{stack.shop_url}/account/")
    assert page.locator(".saved-cards li").count() == 1
    assert "400555******0001" in page.inner_text(".saved-cards")
    assert "12/39" in page.inner_text(".saved-cards")

    add_to_cart(page, stack.shop_url)
    checkout_merchant_page(page, stack.shop_url, email=None)
    second_pay_url = page.url
    saved_form = page.locator("form.mp-saved")
    assert saved_form.is_visible()
    assert page.locator("#mp-new").is_hidden()
    saved_form.locator("[data-role=cvv]").fill(CVV)
    saved_form.locator("button[type=submit]").click()
    page.wait_for_url("**/receipt/**")
    assert page.locator("[data-order-status=paid]").count() == 1
    with stack.shop_app.app_context():
        card = db.session.scalar(select(SavedCard))
        second = attempt_for(stack, second_pay_url)
        answer = db.session.scalar(
            select(PaymentEvent).where(PaymentEvent.attempt_id == second.id, PaymentEvent.transport == "api-response")
        )
        assert answer.params["token_name"] == card.token_name
        assert "card_security_code" not in answer.params

    page.goto(f"{stack.shop_url}/account/")
    page.click(".saved-cards button.danger")
    page.wait_for_url(f"{stack.shop_url}/account/")
    assert page.locator(".saved-cards li").count() == 0
    assert page.locator(".flash-success").count() == 1
    with stack.shop_app.app_context():
        assert db.session.scalar(select(SavedCard)) is None
        update = db.session.scalar(select(PaymentEvent).where(PaymentEvent.response_code == "58000"))
        assert update is not None
    assert recorder.card_data() == []
