"""Installment scenarios: "installments success" of APS's go-live checklist.

Two scenarios: installments chosen on APS's hosted payment page
(``installments=STANDALONE``, in the card zip) and on the merchant page.

The merchant page requests from APS the plans of the order's amount
(GET_INSTALLMENTS_PLANS) and shows a plan picker. Once the card number is
typed, only the plans of the card's issuer stay visible. The shopper picks a
plan and pays, and the receipt shows the number of monthly payments.
Screenshots: the card form with a plan chosen and the receipt. They go into
the ``merchant-page`` zip.

The order must reach the plan's minimum amount. The simulator's demo issuer
of the Visa test card starts its shortest plan at 500 SAR, so the cart contains
12 kg of dates (540 SAR).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from babel.support import Translations

from shop.simulator.cards import Behaviour, Brand

from .. import steps
from ..registry import LANGUAGES, SUCCESS, Scenario, Step, register, shop_method_registered
from .card import ARCHIVE as CARD_ARCHIVE
from .card import CARD_PAGE_URL, sandbox_card
from .merchant_page import (
    ARCHIVE,
    METHOD,
    PRODUCT_SKU,
    add_product,
    choose_merchant_page,
    open_pay_page,
    submit_new_card,
    type_new_card,
)

if TYPE_CHECKING:
    from ..run import ScenarioRun

QUANTITY = 12
TRANSLATIONS_DIR = "translations"
PLANS = "#mp-plans"
# A plan of the card's issuer: the script hides the other issuers' plans once the number is typed.
OFFERED_PLAN = "label.mp-plan:not([hidden]) input[name=mp-plan]:not([value=''])"


def checkout(run: ScenarioRun) -> None:
    add_product(run, PRODUCT_SKU, QUANTITY)
    choose_merchant_page(run)
    run.capture()


def plan_picker(run: ScenarioRun) -> None:
    open_pay_page(run)
    page = run.page
    if not page.locator(PLANS).count():
        raise AssertionError("the merchant page shows no installment plans for this order")
    type_new_card(run, run.data["card"])
    page.locator(OFFERED_PLAN).first.check()
    run.capture()


def _installments_label(language: str) -> str:
    """Return the receipt's "Installments" label in ``language`` from the shop's catalogue."""
    folder = Path(__file__).resolve().parents[2] / TRANSLATIONS_DIR
    return Translations.load(str(folder), [language]).gettext("Installments")


def capture_installments_receipt(run: ScenarioRun) -> None:
    """Wait for the receipt, check that it shows the installments row and capture it."""
    steps.wait_for_receipt(run)
    label = _installments_label(run.language)
    if not run.page.locator("dt", has_text=label).count():
        raise AssertionError(f"the receipt does not show the installments ({label!r}) of the chosen plan")
    run.capture()


def receipt(run: ScenarioRun) -> None:
    submit_new_card(run)
    capture_installments_receipt(run)


FLOW = (
    Step("checkout", checkout, "Checkout page with the merchant-page card method chosen"),
    Step("installment-plan", plan_picker, "Merchant page: installment plan picker with a plan chosen"),
    Step("success", receipt, "Installments success page"),
)


# Installments chosen on the hosted payment page (installments=STANDALONE).
HOSTED_METHOD = "installments"
HOSTED_PLAN = "input[name=plan]:not([value=''])"


def hosted_checkout(run: ScenarioRun) -> None:
    add_product(run, PRODUCT_SKU, QUANTITY)
    steps.open_checkout(run)
    steps.fill_checkout(run, HOSTED_METHOD)
    run.capture()


def hosted_plan_picker(run: ScenarioRun) -> None:
    steps.submit_checkout(run, CARD_PAGE_URL)
    page = run.page
    card = run.data["card"]
    page.fill("#card_number", card.number)
    page.fill("#expiry", steps.card_expiry())
    page.fill("#card_security_code", card.cvv)
    page.fill("#card_holder_name", steps.CARD_HOLDER)
    if not page.locator(HOSTED_PLAN).count():
        raise AssertionError("the hosted payment page shows no installment plans for this order")
    page.locator(HOSTED_PLAN).first.check()
    run.capture()


def hosted_receipt(run: ScenarioRun) -> None:
    run.page.locator("button.primary").click()
    capture_installments_receipt(run)


HOSTED_FLOW = (
    Step("checkout", hosted_checkout, "Checkout page with hosted installments chosen"),
    Step("installment-plan", hosted_plan_picker, "Hosted payment page: installment plan picker with a plan chosen"),
    Step("success", hosted_receipt, "Installments success page"),
)


def register_scenarios() -> list[Scenario]:
    scenarios = []
    if shop_method_registered(HOSTED_METHOD):
        scenarios.append(register(Scenario(
            name="hosted-installments-success",
            method=HOSTED_METHOD,
            outcome=SUCCESS,
            languages=LANGUAGES,
            steps=HOSTED_FLOW,
            archive=CARD_ARCHIVE,
            test_case="Hosted payment page: installments success",
            data={"card": sandbox_card(Brand.VISA, Behaviour.SUCCESS)},
        )))
    if not shop_method_registered(METHOD):
        return scenarios
    return scenarios + [register(Scenario(
        name="mp-installments-success",
        method=METHOD,
        outcome=SUCCESS,
        languages=LANGUAGES,
        steps=FLOW,
        archive=ARCHIVE,
        test_case="Merchant page: installments success",
        data={"card": sandbox_card(Brand.VISA, Behaviour.SUCCESS)},
    ))]


SCENARIOS = register_scenarios()
