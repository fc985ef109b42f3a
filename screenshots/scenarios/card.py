"""Card scenarios on the hosted payment page: the basic payment tests of APS's go-live checklist.

APS requires a successful non-3-D Secure payment, a successful 3-D Secure
payment and a declined payment, each with its merchant reference (the mada
payment for SAR is in ``mada.py``). Screenshots: pre-checkout page (with the mada marks for
SAR), checkout page, 3-D Secure page in the main window, success and failure
pages. The card images go into one zip.

The steps drive the local simulator's hosted card page and 3-D Secure page
(field ids ``card_number``, ``expiry``, ``card_security_code``,
``card_holder_name``).
NOTE: APS's real hosted page has other field names, so these steps capture
the simulator's pages only.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from shop.simulator.cards import TEST_CARDS, Behaviour, Brand, SandboxCard

from .. import steps
from ..registry import DECLINED, LANGUAGES, SUCCESS, Scenario, Step, register

if TYPE_CHECKING:
    from ..run import ScenarioRun

METHOD = "card"
ARCHIVE = "card"
# SAR, so that the pre-checkout and checkout pages carry the mada marks APS requires.
PRODUCT_SKU = "DATES-SA"

# Pages of the simulator: the hosted card page is the response to the paymentPage POST.
CARD_PAGE_URL = re.compile(r"/FortAPI/paymentPage(\?|$)")
THREEDS_PAGE_URL = re.compile(r"/sim/3ds/[^/?#]+")


def sandbox_card(brand: Brand, behaviour: Behaviour) -> SandboxCard:
    """Return the simulator's first test card of ``brand`` with ``behaviour``."""
    for card in TEST_CARDS:
        if card.brand == brand and card.behaviour == behaviour:
            return card
    raise LookupError(f"the simulator has no {brand.value} test card for {behaviour.value}")


# -- steps --------------------------------------------------------------------


def pre_checkout(run: ScenarioRun) -> None:
    steps.open_product(run, run.data["sku"])
    run.capture("pre-checkout")


def checkout(run: ScenarioRun) -> None:
    steps.add_to_cart(run)
    steps.open_checkout(run)
    steps.fill_checkout(run, run.scenario.method)
    run.capture("checkout")


def payment_page(run: ScenarioRun) -> None:
    steps.submit_checkout(run, CARD_PAGE_URL)
    card: SandboxCard = run.data["card"]
    page = run.page
    page.fill("#card_number", card.number)
    page.fill("#expiry", steps.card_expiry())
    page.fill("#card_security_code", card.cvv)
    page.fill("#card_holder_name", steps.CARD_HOLDER)
    run.capture("payment-page")


def threeds_page(run: ScenarioRun) -> None:
    with run.page.expect_navigation(url=THREEDS_PAGE_URL):
        run.page.locator("button.primary").click()
    run.check_main_frame(THREEDS_PAGE_URL)
    run.capture("3ds")


def _submit_card(run: ScenarioRun) -> None:
    run.page.locator("button.primary").click()


def _threeds_choice(choice: str):
    def submit(run: ScenarioRun) -> None:
        run.page.locator(f"button[name=outcome][value={choice}]").click()

    return submit


def _result_step(name: str, title: str, submit) -> Step:
    def result(run: ScenarioRun) -> None:
        submit(run)
        steps.wait_for_receipt(run)
        run.capture(name)

    return Step(name, result, title)


PRE_CHECKOUT = Step("pre-checkout", pre_checkout, "Pre-checkout page (mada branding for SAR)")
CHECKOUT = Step("checkout", checkout, "Checkout page")
PAYMENT_PAGE = Step("payment-page", payment_page, "Hosted payment page with the card form")
THREEDS = Step("3ds", threeds_page, "3-D Secure page in the main window")


def card_scenario(name: str, test_case: str, card: SandboxCard, outcome: str, threeds: bool,
                  method: str = METHOD) -> Scenario:
    """Register a scenario that pays with ``card`` on the hosted card page, through the 3-D Secure page if ``threeds``."""
    result_name, result_title = ("success", "Success page") if outcome == SUCCESS else ("failure", "Failure page")
    if threeds:
        submit = _threeds_choice("authenticate" if outcome == SUCCESS else "fail")
        flow = (PRE_CHECKOUT, CHECKOUT, PAYMENT_PAGE, THREEDS, _result_step(result_name, result_title, submit))
    else:
        flow = (PRE_CHECKOUT, CHECKOUT, PAYMENT_PAGE, _result_step(result_name, result_title, _submit_card))
    return register(
        Scenario(
            name=name,
            method=method,
            outcome=outcome,
            languages=LANGUAGES,
            steps=flow,
            archive=ARCHIVE,
            test_case=test_case,
            data={"sku": PRODUCT_SKU, "card": card},
        )
    )


CARD_SUCCESS = card_scenario(
    "card-success", "Successful transaction (non-3-D Secure card)",
    sandbox_card(Brand.VISA, Behaviour.SUCCESS), SUCCESS, threeds=False,
)
CARD_3DS_SUCCESS = card_scenario(
    "card-3ds-success", "Successful transaction (3-D Secure card)",
    sandbox_card(Brand.VISA, Behaviour.CHALLENGE), SUCCESS, threeds=True,
)
CARD_DECLINED = card_scenario(
    "card-declined", "Declined transaction (declined card)",
    sandbox_card(Brand.VISA, Behaviour.DECLINE), DECLINED, threeds=False,
)
