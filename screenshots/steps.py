"""Page actions that scenario steps share: the shop's product, cart, checkout and receipt pages.

Each function drives the page the way a shopper does (clicks and typing) and
waits until the next page has loaded. None of them captures a screenshot:
that is for the step that calls them.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .run import ScenarioRun

# Order states on the receipt (``data-order-status``) that end a payment.
FINAL_ORDER_STATES = frozenset({"paid", "authorized", "declined", "cancelled", "failed"})
EXPECTED_ORDER_STATES = {"success": frozenset({"paid", "authorized"}), "declined": frozenset({"declined", "failed"})}

# A special-use domain such as .test fails the shop's e-mail check, so a plain one is used.
EMAIL_DOMAIN = "aps-storefront.dev"
DEFAULT_NAME = {"en": "Sara Al-Harbi", "ar": "سارة الحربي"}
CARD_HOLDER = "SARA AL-HARBI"


def card_expiry() -> str:
    """Return an expiry date (MM/YY) three years ahead, so a test card never expires under the kit."""
    today = dt.date.today()
    return f"{today.month:02d}/{(today.year + 3) % 100:02d}"


def open_product(run: ScenarioRun, sku: str) -> None:
    """Open the product page of ``sku`` in the scenario's language."""
    run.goto(f"/products/{sku}")
    run.page.locator("form.inline-form button[type=submit]").wait_for()


def add_to_cart(run: ScenarioRun) -> None:
    """Press "Add to cart" on the open product page and wait for the cart."""
    with run.page.expect_navigation(url=re.compile(r"/cart/?(\?|$)")):
        run.page.locator("form.inline-form button[type=submit]").click()


def open_checkout(run: ScenarioRun) -> None:
    """Go from the cart to the checkout page."""
    with run.page.expect_navigation(url=re.compile(r"/checkout/?(\?|$)")):
        run.page.locator("a[href*='/checkout']").first.click()


def fill_checkout(run: ScenarioRun, method: str, email: str | None = None, name: str | None = None) -> None:
    """Type the shopper's e-mail address and name and choose payment method ``method``."""
    page = run.page
    # Each scenario has its own address: APS's fraud screening blocks a static customer_email.
    default_email = f"sara.alharbi+{run.scenario.name}-{run.language}@{EMAIL_DOMAIN}"
    page.fill("#customer_email", email or run.data.get("email", default_email))
    page.fill("#customer_name", name if name is not None else DEFAULT_NAME[run.language])
    page.check(f"input[name=payment_method][value='{method}']")


def submit_checkout(run: ScenarioRun, next_url: str | re.Pattern[str]) -> None:
    """Press the pay button and wait until the browser arrives at ``next_url``.

    The shop responds with an auto-submitting form, so the browser passes
    through the hand-over page to the payment page on its own.
    """
    run.page.locator("form.checkout-form button[type=submit]").click()
    run.page.wait_for_url(next_url)
    run.page.wait_for_load_state("load")


def wait_for_receipt(run: ScenarioRun) -> str:
    """Wait for the shop's receipt to show a final state; check it against the outcome and return it."""
    page = run.page
    page.wait_for_url(re.compile(r"/receipt/"))
    # The receipt reloads itself until APS's result arrives. A locator, unlike
    # a script, keeps waiting across those reloads.
    final = ", ".join(f"[data-order-status='{state}']" for state in sorted(FINAL_ORDER_STATES))
    page.locator(final).wait_for()
    status = page.get_attribute("[data-order-status]", "data-order-status") or ""
    expected = EXPECTED_ORDER_STATES[run.scenario.outcome]
    if status not in expected:
        raise AssertionError(
            f"the receipt shows order status {status!r}, expected one of {sorted(expected)} "
            f"for a {run.scenario.outcome} scenario"
        )
    reference = page.locator(".merchant-reference")
    if reference.count():
        run.note_merchant_reference(reference.first.inner_text().strip())
    run.order_status = status
    return status
