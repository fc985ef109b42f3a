"""Card scenarios on the custom merchant page (method ``card_mp``, APS Merchant Page 2.0).

The shop shows its own card form at ``/checkout/pay/<merchant_reference>``.
The page's script posts the card straight to APS as a TOKENIZATION request,
and the shop then pays with the token. A 3-D Secure challenge opens in the
top window. APS's go-live checklist requires the same screenshots as on the
hosted page: the checkout page with the payment form, the 3-D Secure page in
the main window, and the success and failure pages.

Every merchant-page scenario (these, the saved-card ones in ``saved_cards.py``
and the installment one in ``installments.py``) goes into the
``merchant-page`` zip. The merchant page is a separate APS integration with
its own form and URLs, so its screenshots stay apart from the hosted-page
card zip.

The steps use the shop's merchant-page form: visible inputs ``#mp-number``,
``#mp-expiry``, ``#mp-cvv`` and ``#mp-holder`` in ``form#mp-new``, and the
simulator's 3-D Secure page.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from shop.simulator.cards import Behaviour, Brand, SandboxCard

from .. import steps
from ..registry import DECLINED, LANGUAGES, SUCCESS, Scenario, Step, register, shop_method_registered
from .card import THREEDS_PAGE_URL, sandbox_card

if TYPE_CHECKING:
    from ..run import ScenarioRun

METHOD = "card_mp"
ARCHIVE = "merchant-page"
PRODUCT_SKU = "DATES-SA"

# The shop's merchant page. The pay route carries the attempt's merchant_reference.
PAY_PAGE_URL = re.compile(r"/checkout/pay/([A-Za-z0-9._-]+)/?$")
NEW_CARD_FORM = "form#mp-new"


# -- page actions that the saved-card and installment scenarios share --------------


def add_product(run: ScenarioRun, sku: str, quantity: int = 1) -> None:
    """Open the product page of ``sku``, set the quantity and add it to the cart."""
    steps.open_product(run, sku)
    if quantity != 1:
        run.page.fill("#quantity", str(quantity))
    steps.add_to_cart(run)


def choose_merchant_page(run: ScenarioRun, signed_in: bool = False) -> None:
    """Fill the checkout page and choose the merchant-page card method.

    A signed-in shopper's e-mail address is already filled in by the shop,
    so it is left as it is for the screenshot.
    """
    steps.open_checkout(run)
    if signed_in:
        page = run.page
        if not page.input_value("#customer_email"):
            raise AssertionError("the checkout page did not fill in the signed-in shopper's e-mail address")
        page.fill("#customer_name", steps.DEFAULT_NAME[run.language])
        page.check(f"input[name=payment_method][value='{METHOD}']")
    else:
        steps.fill_checkout(run, METHOD)


def open_pay_page(run: ScenarioRun) -> str:
    """Press the pay button on the checkout page, wait for the card form and return its merchant_reference."""
    steps.submit_checkout(run, PAY_PAGE_URL)
    run.page.locator("#merchant-page").wait_for()
    match = PAY_PAGE_URL.search(run.page.url)
    return match.group(1) if match else ""


def type_new_card(run: ScenarioRun, card: SandboxCard) -> None:
    """Type ``card`` into the new-card form the way a shopper does."""
    page = run.page
    form = page.locator(NEW_CARD_FORM)
    form.wait_for()
    page.fill("#mp-number", card.number)
    page.fill("#mp-expiry", steps.card_expiry())
    page.fill("#mp-cvv", card.cvv)
    page.fill("#mp-holder", steps.CARD_HOLDER)


def submit_new_card(run: ScenarioRun) -> None:
    """Press the new-card form's pay button, so the page's script posts the card to APS."""
    run.page.locator(f"{NEW_CARD_FORM} button[type=submit]").click()


# -- steps ---------------------------------------------------------------------------


def checkout(run: ScenarioRun) -> None:
    add_product(run, run.data["sku"])
    choose_merchant_page(run)
    run.capture()


def payment_form(run: ScenarioRun) -> None:
    open_pay_page(run)
    type_new_card(run, run.data["card"])
    run.capture()


def threeds_page(run: ScenarioRun) -> None:
    submit_new_card(run)
    run.page.wait_for_url(THREEDS_PAGE_URL)
    run.page.wait_for_load_state("load")
    run.check_main_frame(THREEDS_PAGE_URL)
    run.capture()


def _threeds_choice(choice: str):
    def submit(run: ScenarioRun) -> None:
        run.page.locator(f"button[name=outcome][value={choice}]").click()

    return submit


def result_step(name: str, title: str, submit) -> Step:
    """Return a step that presses ``submit``, waits for the receipt in its final state and captures it."""

    def result(run: ScenarioRun) -> None:
        submit(run)
        steps.wait_for_receipt(run)
        run.capture()

    return Step(name, result, title)


CHECKOUT = Step("checkout", checkout, "Checkout page with the merchant-page card method chosen")
PAYMENT_FORM = Step("payment-form", payment_form, "Checkout page showing the payment form (merchant page)")
THREEDS = Step("3ds", threeds_page, "3-D Secure page in the main window")


def merchant_page_scenario(name: str, test_case: str, card: SandboxCard, outcome: str, threeds: bool) -> Scenario:
    """Register a scenario that pays with ``card`` on the merchant page, through the 3-D Secure page if ``threeds``."""
    result_name, result_title = ("success", "Success page") if outcome == SUCCESS else ("failure", "Failure page")
    if threeds:
        submit = _threeds_choice("authenticate" if outcome == SUCCESS else "fail")
        flow = (CHECKOUT, PAYMENT_FORM, THREEDS, result_step(result_name, result_title, submit))
    else:
        flow = (CHECKOUT, PAYMENT_FORM, result_step(result_name, result_title, submit_new_card))
    return register(Scenario(
        name=name,
        method=METHOD,
        outcome=outcome,
        languages=LANGUAGES,
        steps=flow,
        archive=ARCHIVE,
        test_case=test_case,
        data={"sku": PRODUCT_SKU, "card": card},
    ))


def register_scenarios() -> list[Scenario]:
    if not shop_method_registered(METHOD):
        return []
    return [
        merchant_page_scenario(
            "mp-success", "Merchant page: successful transaction (non-3-D Secure card)",
            sandbox_card(Brand.VISA, Behaviour.SUCCESS), SUCCESS, threeds=False,
        ),
        merchant_page_scenario(
            "mp-3ds-success", "Merchant page: successful transaction (3-D Secure card)",
            sandbox_card(Brand.VISA, Behaviour.CHALLENGE), SUCCESS, threeds=True,
        ),
        merchant_page_scenario(
            "mp-declined", "Merchant page: declined transaction (declined card)",
            sandbox_card(Brand.VISA, Behaviour.DECLINE), DECLINED, threeds=False,
        ),
        merchant_page_scenario(
            "mp-3ds-declined", "Merchant page: 3-D Secure authentication failed",
            sandbox_card(Brand.VISA, Behaviour.CHALLENGE), DECLINED, threeds=True,
        ),
    ]


SCENARIOS = register_scenarios()
