"""STC Pay scenarios: the wallet payment with the shopper's mobile number and one-time password.

APS's go-live checklist requires the pre-checkout page, the checkout page
with STC Pay offered, the STC Pay payment flow (mobile number, then OTP) and
the page after checkout, for a success and a declined payment in separate
zips.

By default the shopper types the mobile number and the OTP on the shop's
own pages (``/stcpay/<merchant_reference>/phone`` and ``.../otp``). With
STCPAY_FLOW=hosted, the simulator's hosted STC Pay pages take them instead.
The steps follow whichever the shop sends the browser to. The simulator's test
data: OTP 1234, 0500000747 is declined (insufficient wallet balance), other
Saudi mobile numbers are approved.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .. import steps
from ..registry import DECLINED, LANGUAGES, SUCCESS, Scenario, Step, register, shop_method_registered

if TYPE_CHECKING:
    from ..run import ScenarioRun

METHOD = "stcpay"
PRODUCT_SKU = "DATES-SA"
TEST_OTP = "1234"
PHONES = {SUCCESS: "0500000001", DECLINED: "0500000747"}

SHOP_PHONE_URL = re.compile(r"/stcpay/[^/]+/phone(\?|$)")
HOSTED_PAGE_URL = re.compile(r"/FortAPI/paymentPage(\?|$)")
FIRST_PAGE_URL = re.compile(SHOP_PHONE_URL.pattern + "|" + HOSTED_PAGE_URL.pattern)

# (phone field, OTP field, submit button) on the shop's pages and on the simulator's hosted pages.
SHOP_FIELDS = ("#phone_number", "#otp", "form.stcpay-form button[type=submit]")
HOSTED_FIELDS = ("#mobile_number", "#otp", "form.card-form button.primary")


def _fields(run: ScenarioRun) -> tuple[str, str, str]:
    return HOSTED_FIELDS if HOSTED_PAGE_URL.search(run.page.url) or "/sim/stcpay/" in run.page.url else SHOP_FIELDS


def pre_checkout(run: ScenarioRun) -> None:
    steps.open_product(run, PRODUCT_SKU)
    run.capture()


def checkout(run: ScenarioRun) -> None:
    steps.add_to_cart(run)
    steps.open_checkout(run)
    steps.fill_checkout(run, METHOD)
    run.capture()


def phone_page(run: ScenarioRun) -> None:
    steps.submit_checkout(run, FIRST_PAGE_URL)
    phone_field, _, _ = _fields(run)
    run.page.fill(phone_field, run.data["phone"])
    run.capture()


def otp_page(run: ScenarioRun) -> None:
    _, otp_field, submit = _fields(run)
    with run.page.expect_navigation():
        run.page.locator(submit).first.click()
    run.page.locator(otp_field).wait_for()
    run.page.fill(otp_field, TEST_OTP)
    run.capture()


def receipt(run: ScenarioRun) -> None:
    _, _, submit = _fields(run)
    run.page.locator(submit).first.click()
    steps.wait_for_receipt(run)
    run.capture()


FLOW = (
    Step("pre-checkout", pre_checkout, "Pre-checkout page with STC Pay"),
    Step("checkout", checkout, "Checkout page with STC Pay chosen"),
    Step("stcpay-phone", phone_page, "STC Pay payment flow: mobile number"),
    Step("stcpay-otp", otp_page, "STC Pay payment flow: OTP"),
    Step("receipt", receipt, "Post-checkout return page"),
)


def register_scenarios() -> list[Scenario]:
    if not shop_method_registered(METHOD):
        return []
    return [
        register(Scenario(
            name=f"stcpay-{outcome}",
            method=METHOD,
            outcome=outcome,
            languages=LANGUAGES,
            steps=FLOW,
            archive=f"stcpay-{outcome}",
            test_case=f"STC Pay {'successful' if outcome == SUCCESS else 'declined'} transaction",
            data={"phone": PHONES[outcome]},
        ))
        for outcome in (SUCCESS, DECLINED)
    ]


SCENARIOS = register_scenarios()
