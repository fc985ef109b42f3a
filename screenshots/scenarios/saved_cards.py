"""Saved-card scenarios on the merchant page: "Save card flow" and "Delete saved card" of APS's go-live checklist.

Save card flow: a new shopper signs up, pays on the merchant page with
"save this card" ticked, then checks out again. The checkout page fills in
the account's e-mail address, and the merchant page offers the saved card
with only its security code to type. The scenario's merchant reference lists
both payments, the one that saved the card first.

Delete saved card: a new shopper saves a card the same way, then deletes it
on the account page, which sends UPDATE_TOKEN to APS. Screenshots: the
account page listing the card and the page after the deletion, without it.

Each run signs up with a new e-mail address, so the scenarios also run
against a shop that keeps its accounts (``--base-url``). The images go into
the ``merchant-page`` zip.
"""

from __future__ import annotations

import re
import secrets
import weakref
from typing import TYPE_CHECKING

from shop.simulator.cards import Behaviour, Brand

from .. import steps
from ..registry import LANGUAGES, SUCCESS, Scenario, Step, register, shop_method_registered
from .card import sandbox_card
from .merchant_page import (
    ARCHIVE,
    METHOD,
    NEW_CARD_FORM,
    PRODUCT_SKU,
    add_product,
    choose_merchant_page,
    open_pay_page,
    submit_new_card,
    type_new_card,
)

if TYPE_CHECKING:
    from ..run import ScenarioRun

PASSWORD = "golive-kit-password"
ACCOUNT_URL = re.compile(r"/account/?(\?|$)")
SAVED_CARD_FORM = "form.mp-saved:not([hidden])"
SAVED_CARDS = ".saved-cards li"

# The shopper's e-mail address of each scenario run, made up when the run signs up.
_emails: weakref.WeakKeyDictionary[ScenarioRun, str] = weakref.WeakKeyDictionary()


def shopper_email(run: ScenarioRun) -> str:
    """Return the e-mail address this run signs up with, unique per run."""
    if run not in _emails:
        token = secrets.token_hex(3)
        _emails[run] = f"sara.alharbi+{run.scenario.name}-{run.language}-{token}@{steps.EMAIL_DOMAIN}"
    return _emails[run]


def fill_sign_up(run: ScenarioRun) -> None:
    """Open the sign-up page and type a new shopper's e-mail address and password."""
    run.goto("/account/sign-up")
    page = run.page
    page.fill("#email", shopper_email(run))
    page.fill("#password", PASSWORD)
    page.fill("#confirm", PASSWORD)


def submit_sign_up(run: ScenarioRun) -> None:
    """Create the account. The shop signs the shopper in and shows the account page."""
    with run.page.expect_navigation(url=ACCOUNT_URL):
        run.page.locator("form.account-form button[type=submit]").click()


def type_card_to_save(run: ScenarioRun) -> None:
    """Type the test card into the new-card form and tick "save this card"."""
    type_new_card(run, run.data["card"])
    remember = run.page.locator(f"{NEW_CARD_FORM} [data-role=remember]")
    if not remember.count():
        raise AssertionError("the merchant page offers no \"save this card\" box to the signed-in shopper")
    remember.check()


def saved_card_count(run: ScenarioRun) -> int:
    return run.page.locator(SAVED_CARDS).count()


# -- save card flow --------------------------------------------------------------


def sign_up(run: ScenarioRun) -> None:
    fill_sign_up(run)
    run.capture()


def first_checkout(run: ScenarioRun) -> None:
    submit_sign_up(run)
    add_product(run, PRODUCT_SKU)
    choose_merchant_page(run, signed_in=True)
    run.capture()


def save_card_form(run: ScenarioRun) -> None:
    open_pay_page(run)
    type_card_to_save(run)
    run.capture()


def first_receipt(run: ScenarioRun) -> None:
    submit_new_card(run)
    steps.wait_for_receipt(run)
    run.capture()


def second_checkout(run: ScenarioRun) -> None:
    add_product(run, PRODUCT_SKU)
    choose_merchant_page(run, signed_in=True)
    run.capture()


def saved_card_cvv(run: ScenarioRun) -> None:
    second_reference = open_pay_page(run)
    page = run.page
    saved_form = page.locator(SAVED_CARD_FORM)
    if saved_form.count() != 1:
        raise AssertionError(f"the merchant page shows {saved_form.count()} saved-card forms, expected the one saved card")
    if page.locator(NEW_CARD_FORM).is_visible():
        raise AssertionError("the new-card form is visible next to the saved card, but only the CVV should be requested")
    saved_form.locator("[data-role=cvv]").fill(run.data["card"].cvv)
    if run.merchant_reference and second_reference:
        # Both payments are part of the test case: the first saved the card, the second paid with it.
        run.merchant_reference = f"{run.merchant_reference} {second_reference}"
    run.capture()


def saved_card_receipt(run: ScenarioRun) -> None:
    run.page.locator(f"{SAVED_CARD_FORM} button[type=submit]").click()
    steps.wait_for_receipt(run)
    run.capture()


SAVE_CARD_FLOW = (
    Step("sign-up", sign_up, "Shopper account: sign-up"),
    Step("checkout", first_checkout, "Checkout page with the account's e-mail address filled in"),
    Step("save-card-checkbox", save_card_form, "Save card flow: the \"save this card\" checkbox ticked"),
    Step("success", first_receipt, "Success page of the payment that saved the card"),
    Step("checkout-saved-card", second_checkout, "Second checkout: e-mail address filled in and the saved card offered"),
    Step("saved-card-cvv", saved_card_cvv, "Save card flow: the saved card requests only the CVV"),
    Step("saved-card-success", saved_card_receipt, "Success page of the payment with the saved card"),
)


# -- delete saved card ------------------------------------------------------------


def save_a_card(run: ScenarioRun) -> None:
    """Sign up and pay with "save this card" ticked. The next steps capture the account page."""
    fill_sign_up(run)
    submit_sign_up(run)
    add_product(run, PRODUCT_SKU)
    choose_merchant_page(run, signed_in=True)
    open_pay_page(run)
    type_card_to_save(run)
    submit_new_card(run)
    steps.wait_for_receipt(run)


def account_with_card(run: ScenarioRun) -> None:
    run.goto("/account/")
    count = saved_card_count(run)
    if count != 1:
        raise AssertionError(f"the account page lists {count} saved cards, expected the card saved by the payment")
    run.capture()


def card_deleted(run: ScenarioRun) -> None:
    page = run.page
    with page.expect_navigation(url=ACCOUNT_URL):
        page.locator(f"{SAVED_CARDS} button.danger").first.click()
    count = saved_card_count(run)
    if count:
        raise AssertionError(f"the account page still lists {count} saved cards after the deletion")
    if not page.locator(".flash-success").count():
        raise AssertionError("the account page shows no confirmation that the card was deleted")
    run.capture()


DELETE_FLOW = (
    Step("save-card", save_a_card, "Payment that saves a card (no screenshot)"),
    Step("account-saved-card", account_with_card, "Delete saved card: account page listing the saved card"),
    Step("card-deleted", card_deleted, "Delete saved card: account page after the deletion"),
)


def register_scenarios() -> list[Scenario]:
    if not shop_method_registered(METHOD):
        return []
    card = sandbox_card(Brand.VISA, Behaviour.SUCCESS)
    return [
        register(Scenario(
            name="mp-save-card",
            method=METHOD,
            outcome=SUCCESS,
            languages=LANGUAGES,
            steps=SAVE_CARD_FLOW,
            archive=ARCHIVE,
            test_case="Save card flow: \"save this card\" checkbox, then paying with the saved card",
            data={"card": card},
        )),
        register(Scenario(
            name="mp-delete-saved-card",
            method=METHOD,
            outcome=SUCCESS,
            languages=LANGUAGES,
            steps=DELETE_FLOW,
            archive=ARCHIVE,
            test_case="Delete saved card",
            data={"card": card},
        )),
    ]


SCENARIOS = register_scenarios()
