"""Scenarios of the Gulf local schemes paid on the hosted page: KNET, NAPS, BENEFIT and OmanNet.

APS's go-live checklist requires a success and a declined payment from each
of them. The screenshots are the pre-checkout page, the checkout page with
the scheme offered, the scheme's payment page, its further pages (OmanNet's
OTP page, the confirmation page) and the receipt. NAPS needs every screen in
Arabic and in English. KNET, NAPS and BENEFIT need success and declined in
separate zips, and OmanNet needs a single zip.

The scheme's pages are the simulator's (``shop.simulator.methods.local``):
each scenario walks the scheme's pages in order, typing the simulator's test
credentials for the outcome, and captures every page. A scheme gets
scenarios only when both the shop and the simulator have it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .. import steps
from ..registry import DECLINED, LANGUAGES, SUCCESS, Scenario, Step, register, shop_method_registered

if TYPE_CHECKING:
    from shop.simulator.methods.local import LocalMethod, TestCredential

    from ..run import ScenarioRun

PAYMENT_PAGE_URL = re.compile(r"/FortAPI/paymentPage(\?|$)")


@dataclass(frozen=True)
class SchemeRules:
    """APS's requirements for one scheme's screenshots: its name on them and whether outcomes get separate zips."""

    label: str
    separate_zips: bool
    confirmation_title: str


SCHEMES = {
    "knet": SchemeRules("KNET", True, "KNET confirmation"),
    "naps": SchemeRules("NAPS", True, "NAPS confirmation"),
    "benefit": SchemeRules("BENEFIT", True, "Order confirmation"),
    "omannet": SchemeRules("OmanNet", False, "Order confirmation"),
}
OUTCOME_CREDENTIALS = {SUCCESS: "approve", DECLINED: "decline"}


def _product_for(currency: str) -> str:
    from shop.catalog.demo import DEMO_PRODUCTS

    for sku, *_rest, price_currency in DEMO_PRODUCTS:
        if price_currency == currency:
            return sku
    raise LookupError(f"the demo catalogue has no product in {currency}")


def _credential(method: LocalMethod, outcome: str) -> TestCredential | None:
    expected = OUTCOME_CREDENTIALS[outcome]
    return next((credential for credential in method.credentials if credential.outcome == expected), None)


def _page_step_name(index: int, key: str, last: bool) -> str:
    if index == 0:
        return "payment-page"
    if key == "confirm":
        return "confirmation"
    return key


def _page_title(rules: SchemeRules, index: int, key: str) -> str:
    if index == 0:
        return f"{rules.label} payment page"
    if key == "confirm":
        return rules.confirmation_title
    if key == "otp":
        return f"{rules.label} OTP page"
    return f"{rules.label} {key.upper()} page"


def _fill_page(run: ScenarioRun, fields) -> None:
    credential: TestCredential = run.data["credential"]
    for field in fields:
        value = credential.value(field.label) or credential.value(field.name)
        if not value and field.name == "expiry":
            value = steps.card_expiry()
        if not value:
            raise LookupError(f"the simulator's test credential has no value for the field {field.name!r}")
        run.page.fill(f"#{field.name}", value)


def _scheme_steps(code: str, method: LocalMethod, rules: SchemeRules) -> tuple[Step, ...]:
    def pre_checkout(run: ScenarioRun) -> None:
        steps.open_product(run, run.data["sku"])
        run.capture()

    def checkout(run: ScenarioRun) -> None:
        steps.add_to_cart(run)
        steps.open_checkout(run)
        steps.fill_checkout(run, code)
        run.capture()

    def scheme_page(index: int):
        page_step = method.steps[index]

        def show(run: ScenarioRun) -> None:
            if index == 0:
                steps.submit_checkout(run, PAYMENT_PAGE_URL)
            else:
                with run.page.expect_navigation():
                    run.page.locator("form.card-form button.primary").click()
            run.page.locator(f"form.card-form[data-step='{page_step.key}']").wait_for()
            _fill_page(run, page_step.fields)
            run.capture()

        return show

    def receipt(run: ScenarioRun) -> None:
        run.page.locator("form.card-form button.primary").click()
        steps.wait_for_receipt(run)
        run.capture()

    flow = [Step("pre-checkout", pre_checkout, f"Pre-checkout page with {rules.label}"),
            Step("checkout", checkout, f"Checkout page with {rules.label} chosen")]
    last = len(method.steps) - 1
    for index, page_step in enumerate(method.steps):
        flow.append(Step(_page_step_name(index, page_step.key, index == last), scheme_page(index),
                         _page_title(rules, index, page_step.key)))
    flow.append(Step("receipt", receipt, "Receipt page"))
    return tuple(flow)


def register_schemes() -> list[Scenario]:
    """Register the success and declined scenarios of every scheme that the shop and the simulator both have."""
    from shop.simulator.methods import load_methods
    from shop.simulator.methods.local import LOCAL_METHODS

    load_methods()
    registered = []
    for code, rules in SCHEMES.items():
        method = LOCAL_METHODS.get(code)
        if method is None or not shop_method_registered(code):
            continue
        flow = _scheme_steps(code, method, rules)
        for outcome in (SUCCESS, DECLINED):
            credential = _credential(method, outcome)
            if credential is None:
                continue
            registered.append(register(Scenario(
                name=f"{code}-{outcome}",
                method=code,
                outcome=outcome,
                languages=LANGUAGES,
                steps=flow,
                archive=f"{code}-{outcome}" if rules.separate_zips else code,
                test_case=f"{rules.label} {'successful' if outcome == SUCCESS else 'declined'} transaction",
                data={"sku": _product_for(method.currency), "credential": credential},
            )))
    return registered


SCENARIOS = register_schemes()
