"""Installment scenario on the merchant page: "installments success" of APS's go-live checklist.

The merchant page requests from APS the plans of the order's amount
(GET_INSTALLMENTS_PLANS) and shows a plan picker. Once the card number is
typed, only the plans of the card's issuer stay visible. The shopper picks a
plan and pays, and the receipt shows the number of monthly payments.
Screenshots: the card form with a plan chosen and the receipt. They go into
the ``merchant-page`` zip.

The order must reach the plan's minimum amount. The simulator's demo issuer
of the Visa test card starts its shortest plan at 500 SAR, so the cart holds
12 kg of dates (540 SAR).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from babel.support import Translations

from shop.simulator.cards import Behaviour, Brand

from .. import steps
from ..registry import LANGUAGES, SUCCESS, Scenario, Step, register, shop_method_registered
from .card import sandbox_card
from .merchant_page import ARCHIVE, METHOD, PRODUCT_SKU, add_product, choose_merchant_page, open_pay_page, submit_new_card, type_new_card

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


def receipt(run: ScenarioRun) -> None:
    submit_new_card(run)
    steps.wait_for_receipt(run)
    label = _installments_label(run.language)
    if not run.page.locator("dt", has_text=label).count():
        raise AssertionError(f"the receipt does not show the installments ({label!r}) of the chosen plan")
    run.capture()


FLOW = (
    Step("checkout", checkout, "Checkout page with the merchant-page card method chosen"),
    Step("installment-plan", plan_picker, "Merchant page: installment plan picker with a plan chosen"),
    Step("success", receipt, "Installments success page"),
)


def register_scenarios() -> list[Scenario]:
    if not shop_method_registered(METHOD):
        return []
    return [register(Scenario(
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
