"""mada: the BIN list and its configuration, detection before Visa and Mastercard, branding, and payment.

The list lives in shop/aps/mada_bins.json and is used by the shop and the
simulator alike; the branding and payment tests run both over real HTTP.
"""

from __future__ import annotations

import json
import re

import pytest
import requests

from methods_helpers import MethodShopper, attempt_state, brand_marks, heading
from shop.aps import mada
from shop.config import ConfigError
from shop.simulator import SimulatorConfigError
from shop.simulator import create_app as create_simulator
from shop.simulator.cards import Brand, detect_brand

MADA_CARD = "5297412542005689"


@pytest.fixture
def builtin():
    return mada.load_bins({})


def test_builtin_list_is_dated_with_sources():
    data = mada.read_bins_file()
    assert re.fullmatch(r"20[0-9]{2}-[0-9]{2}-[0-9]{2}", data["updated"])
    assert set(data["sources"]) == {"woocommerce", "magento2", "sfcc"}
    for source in data["sources"].values():
        assert source["repository"].startswith("https://github.com/payfort/")
        assert re.fullmatch(r"[0-9a-f]{40}", source["commit"])
    bins = [entry["bin"] for entry in data["bins"]]
    assert len(bins) == len(set(bins)) == 108
    for entry in data["bins"]:
        assert entry["sources"], entry
        assert set(entry["sources"]) <= set(data["sources"])


def test_builtin_list_union_examples(builtin):
    # In all three plugins, in one, and the 8-digit BINs.
    for prefix in ("529741", "440647", "22331122", "22337902", "423117", "588982", "42689700"):
        assert prefix in builtin.prefixes


@pytest.mark.parametrize("number", [
    MADA_CARD,            # 6-digit BIN 529741, the APS sandbox mada card
    "4406470000000002",   # 6-digit BIN 440647 (Visa range)
    "2233790200000004",   # 8-digit BIN 22337902 (Mastercard 2-series range)
    "4268970000000001",   # 8-digit BIN 42689700
])
def test_mada_numbers(builtin, number):
    assert builtin.matches(number)
    assert mada.is_mada(number, builtin)


@pytest.mark.parametrize("number", [
    "4005550000000001",   # Visa
    "4000529741000006",   # Visa with a mada BIN in the middle
    "5123456789529741",   # Mastercard ending with a mada BIN
    "2233790300000001",   # shares 7 digits with the 8-digit BIN 22337902
    "4268971000000000",   # 426897 is only the start of the 8-digit BIN 42689700
    "52974",              # shorter than the BIN
    "",
    "5297 4125 4200 5689",  # not digits only: callers normalise first
])
def test_not_mada(builtin, number):
    assert not builtin.matches(number)


def test_mada_checked_before_visa_and_mastercard():
    assert detect_brand(MADA_CARD) == Brand.MADA
    assert detect_brand("4406470000000002") == Brand.MADA
    assert detect_brand("4000529741000006") == Brand.VISA
    assert detect_brand("5123456789012346") == Brand.MASTERCARD


def test_longest_prefix_reported(builtin):
    assert builtin.matching_prefix("2233790200000004") == "22337902"
    assert builtin.matching_prefix(MADA_CARD) == "529741"
    assert builtin.matching_prefix("4005550000000001") is None


@pytest.mark.parametrize("value, position", [
    ("406996,,407197", 2),
    ("|406996|407197", 1),
    ("406996,407197,", 3),
    ("406996 | | 407197", 2),
])
def test_empty_entry_rejected(value, position):
    with pytest.raises(mada.MadaConfigError) as raised:
        mada.load_bins({mada.REPLACE_VARIABLE: value})
    assert f"{mada.REPLACE_VARIABLE} has an empty entry at position {position}" in str(raised.value)
    assert "would match every card number" in str(raised.value)


@pytest.mark.parametrize("value", ["406996,4O7197", "1234567890", "406", "^406996", "406996;407197"])
def test_malformed_entry_rejected(value):
    with pytest.raises(mada.MadaConfigError, match=f"{mada.EXTRA_VARIABLE} entry .* is invalid"):
        mada.load_bins({mada.EXTRA_VARIABLE: value})


def test_short_prefix_from_a_plugin_list_accepted():
    # The SFCC cartridge lists the five-digit prefix 58845.
    assert mada.load_bins({mada.REPLACE_VARIABLE: "58845"}).matches("5884500000000000")


def test_extra_entries_extend_the_list(builtin):
    bins = mada.load_bins({mada.EXTRA_VARIABLE: "400555, 41234567"})
    assert bins.matches("4005550000000001")
    assert bins.matches("4123456700000000")
    assert bins.matches(MADA_CARD)
    assert bins.origin == mada.EXTRA_VARIABLE
    assert set(builtin.prefixes) < set(bins.prefixes)


def test_replacement_list(builtin):
    bins = mada.load_bins({mada.REPLACE_VARIABLE: "400555|588845"})
    assert bins.prefixes == ("400555", "588845")
    assert bins.matches("4005550000000001")
    assert not bins.matches(MADA_CARD)
    assert bins.updated == builtin.updated


def test_blank_variables_keep_the_builtin_list(builtin):
    assert mada.load_bins({mada.REPLACE_VARIABLE: "  ", mada.EXTRA_VARIABLE: ""}) == builtin


def test_shop_refuses_to_start_with_an_empty_entry(monkeypatch, tmp_path):
    from shop import create_app

    monkeypatch.setenv(mada.REPLACE_VARIABLE, "|529741")
    with pytest.raises(ConfigError, match="empty entry"):
        create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'shop.sqlite3'}"})


def test_simulator_refuses_to_start_with_an_empty_entry(monkeypatch):
    monkeypatch.setenv(mada.EXTRA_VARIABLE, "529741,,")
    with pytest.raises(SimulatorConfigError, match="empty entry"):
        create_simulator({"TESTING": True})


def test_simulator_follows_the_configured_list(monkeypatch):
    monkeypatch.setenv(mada.REPLACE_VARIABLE, "400555")
    assert detect_brand("4005550000000001") == Brand.MADA
    assert detect_brand(MADA_CARD) == Brand.MASTERCARD


def test_bins_served_as_json_by_shop_and_simulator(stack, builtin):
    shop = requests.get(stack.shop_url + "/payments/mada-bins.json", timeout=10)
    simulator = requests.get(stack.simulator_url + "/sim/mada-bins.json", timeout=10)
    assert shop.status_code == simulator.status_code == 200
    assert shop.json()["bins"] == simulator.json()["bins"] == list(builtin.prefixes)
    assert shop.json()["updated"] == builtin.updated
    script = requests.get(stack.simulator_url + "/sim/js/card-brand.js", timeout=10)
    assert script.status_code == 200
    assert "function detect" in script.text


# Branding


def test_sar_product_and_cart_show_mada_first(stack):
    shopper = MethodShopper(stack.shop_url)
    product = shopper.get("/products/DATES-SA")
    marks = brand_marks(product.text)
    assert marks[0] == "mada"
    assert set(marks) == {"mada", "visa", "mastercard", "amex", "stcpay"}
    shopper.add_to_cart("DATES-SA")
    cart = shopper.get("/cart/")
    assert brand_marks(cart.text)[0] == "mada"
    assert requests.get(stack.shop_url + "/static/img/brands/mada.svg", timeout=10).status_code == 200


@pytest.mark.parametrize("sku, first", [("BUKHOOR-KW", "knet"), ("PEARL-QA", "naps"), ("HALWA-BH", "benefit"),
                                        ("FRANK-OM", "omannet"), ("OUD-AE", "visa")])
def test_other_currencies_show_no_mada(stack, sku, first):
    marks = brand_marks(requests.get(f"{stack.shop_url}/products/{sku}", timeout=10).text)
    assert marks[0] == first
    assert "mada" not in marks
    assert "stcpay" not in marks
    assert {"visa", "mastercard", "amex"} <= set(marks)


def checkout_marks(page_text):
    """Return {method code: [mark codes]} from the checkout page."""
    blocks = re.split(r'<div class="method" data-method="', page_text)[1:]
    return {block.split('"', 1)[0]: brand_marks(block) for block in blocks}


def test_sar_checkout_marks(stack):
    shopper = MethodShopper(stack.shop_url)
    shopper.add_to_cart("DATES-SA")
    page = shopper.get("/checkout/")
    marks = checkout_marks(page.text)

    assert list(marks)[0] == "card"
    assert marks["mada"] == ["mada"]
    assert marks["card"] == ["mada", "visa", "mastercard", "amex"]
    assert marks["stcpay"] == ["stcpay"]
    # Only methods that list mada show it: installment plans are for credit cards.
    assert "mada" not in marks.get("installments", [])


def test_card_method_without_mada_when_shop_authorizes(stack_factory):
    stack = stack_factory(shop_overrides={"APS_COMMAND": "AUTHORIZATION"})
    shopper = MethodShopper(stack.shop_url)
    shopper.add_to_cart("DATES-SA")
    marks = checkout_marks(shopper.get("/checkout/").text)

    assert marks["card"] == ["visa", "mastercard", "amex"]
    assert marks["mada"] == ["mada"]


def test_kwd_checkout_marks_include_amex(stack):
    shopper = MethodShopper(stack.shop_url)
    shopper.add_to_cart("BUKHOOR-KW")
    marks = checkout_marks(shopper.get("/checkout/").text)
    assert marks["knet"] == ["knet"]
    assert marks["card"] == ["visa", "mastercard", "amex"]


# Paying with mada


def pay_mada(stack, number=MADA_CARD, cvv="350"):
    shopper = MethodShopper(stack.shop_url)
    card_page = shopper.start_hosted("mada")
    assert shopper.handover_fields["payment_option"] == "MADA"
    return shopper, shopper.pay_on_card_page(card_page, number, cvv=cvv)


def test_mada_method_pays(stack):
    shopper, result = pay_mada(stack)
    receipt = shopper.follow_return(result)
    assert heading(receipt.text) == "Payment successful"
    attempt, _ = attempt_state(stack, shopper.merchant_reference)
    assert (attempt.status, attempt.payment_option) == ("paid", "MADA")
    assert attempt.card_number == "529741******5689"


def test_mada_method_refuses_a_visa_card(stack):
    _, page = pay_mada(stack, number="4005550000000001", cvv="123")
    assert "This card does not match the selected payment method (mada)." in page.text


def test_mada_method_cancelled(stack):
    shopper = MethodShopper(stack.shop_url)
    card_page = shopper.start_hosted("mada")
    receipt = shopper.follow_return(shopper.pay_on_card_page(card_page, MADA_CARD, cvv="350", cancel=True))
    assert heading(receipt.text) == "Payment cancelled"


def test_mada_is_purchase_when_shop_authorizes(stack_factory):
    stack = stack_factory(shop_overrides={"APS_COMMAND": "AUTHORIZATION"})
    shopper, result = pay_mada(stack)
    assert shopper.handover_fields["command"] == "PURCHASE"
    receipt = shopper.follow_return(result)
    assert heading(receipt.text) == "Payment successful"
    attempt, _ = attempt_state(stack, shopper.merchant_reference)
    assert (attempt.command, attempt.response_code) == ("PURCHASE", "14000")


def test_simulator_card_page_shows_mada_mark_first(stack):
    shopper = MethodShopper(stack.shop_url)
    shopper.add_to_cart("DATES-SA")
    card_page = shopper.checkout(method="card")
    assert brand_marks(card_page.text) == ["mada", "visa", "mastercard", "amex"]
    assert "/sim/js/card-brand.js" in card_page.text
    assert json.loads(requests.get(stack.simulator_url + "/sim/mada-bins.json", timeout=10).text)["bins"]
