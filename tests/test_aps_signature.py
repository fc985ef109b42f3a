"""Signature rules against published APS examples."""

import json
from pathlib import Path

import pytest

from shop.aps import compute_signature, string_to_sign, verify_signature
from shop.aps.signature import TOKENIZATION_UNSIGNED_FIELDS, UnknownAlgorithmError, format_value

VECTORS = json.loads((Path(__file__).parent / "data" / "aps_signature_vectors.json").read_text("utf-8"))["vectors"]


@pytest.mark.parametrize("vector", VECTORS, ids=[vector["name"] for vector in VECTORS])
def test_published_vector(vector):
    signature = compute_signature(vector["params"], vector["phrase"], vector["algorithm"], vector["exclude"])
    assert signature == vector["signature"].lower()
    if "string_to_sign" in vector:
        assert string_to_sign(vector["params"], vector["phrase"], vector["exclude"]) == vector["string_to_sign"]


def test_tokenization_vector_uses_documented_exclusions():
    vector = next(v for v in VECTORS if "TOKENIZATION" in v["name"])
    assert set(vector["exclude"]) == TOKENIZATION_UNSIGNED_FIELDS


def test_response_vector_keeps_whitespace():
    # Odoo's payment_aps test data: the e-mail starts with a tab, and the
    # published signature only matches when the tab is kept.
    params = {
        "access_code": "dummy", "amount": "1111.11", "authorization_code": "123456",
        "card_holder_name": "Mitchell", "card_number": "************1111", "command": "PURCHASE",
        "currency": "USD", "customer_email": "\tadmin@yourcompany.example.com", "customer_ip": "123.456.78.90",
        "eci": "ECOMMERCE", "expiry_date": "2212", "fort_id": "169996210006464984", "language": "en",
        "merchant_identifier": "123456abc", "merchant_reference": "Test Transaction", "payment_option": "VISA",
        "response_code": "14000", "response_message": "Success", "status": "14", "token_name": "123abc456def789",
    }
    expected = "6d2bb7904ac6141a0c10375c70fd417616c740bb1ddab862a224777880aa3600"
    assert compute_signature(params, "dummy") == expected
    stripped = dict(params, customer_email=params["customer_email"].strip())
    assert compute_signature(stripped, "dummy") != expected


def test_sort_is_by_key_not_by_pair():
    # merchant_extra sorts before merchant_extra1 by key; sorting "k=v" strings would flip them.
    text = string_to_sign({"merchant_extra1": "b", "merchant_extra": "a"}, "P")
    assert text == "Pmerchant_extra=amerchant_extra1=bP"


def test_sort_is_case_sensitive_byte_order():
    text = string_to_sign({"b": "1", "B": "2", "3ds_url": "x", "apple_paymentMethod": "m", "apple_header": "h"}, "P")
    assert text == "P3ds_url=xB=2apple_header=happle_paymentMethod=mb=1P"


def test_empty_values_left_out():
    assert string_to_sign({"a": "1", "b": "", "c": None}, "P") == "Pa=1P"
    assert string_to_sign({"a": "1", "b": ""}, "P", include_empty=True) == "Pa=1b=P"


def test_signature_field_never_signed():
    with_signature = compute_signature({"a": "1", "signature": "zzz"}, "P")
    assert with_signature == compute_signature({"a": "1"}, "P")


def test_arabic_values_signed_as_utf8():
    import hashlib

    params = {"order_description": "طلب رقم ١"}
    expected = hashlib.sha256("Porder_description=طلب رقم ١P".encode("utf-8")).hexdigest()
    assert compute_signature(params, "P") == expected


def test_nested_and_list_formatting():
    assert format_value({"k": "v", "a": "b"}) == "{k=v, a=b}"
    assert format_value(["x", "y"]) == "[x, y]"
    assert format_value([{"key": "currency", "value": "USD"}]) == "[{key=currency, value=USD}]"


def test_float_values_rejected():
    with pytest.raises(TypeError, match="minor units"):
        compute_signature({"amount": 10.5}, "P")


def test_unknown_algorithm_rejected():
    with pytest.raises(UnknownAlgorithmError, match="SHA-128"):
        compute_signature({"a": "1"}, "P", "SHA-128")


def test_verify_accepts_either_hex_case():
    params = {"a": "1"}
    signature = compute_signature(params, "P")
    assert verify_signature({**params, "signature": signature.upper()}, "P")
    assert verify_signature({**params, "signature": signature}, "P")


def test_verify_rejects_tampering_and_absence():
    params = {"amount": "1000", "currency": "SAR"}
    signature = compute_signature(params, "P")
    assert not verify_signature({**params, "amount": "1001", "signature": signature}, "P")
    assert not verify_signature(params, "P")
    assert not verify_signature({**params, "signature": ""}, "P")
    assert not verify_signature({**params, "signature": signature}, "other phrase")


def test_verify_does_not_unescape_html():
    # APS echoes apostrophes as &#39; and signs the escaped text.
    params = {"customer_name": "customer name&#39;s"}
    signature = compute_signature(params, "P")
    assert verify_signature({**params, "signature": signature}, "P")
    assert not verify_signature({"customer_name": "customer name's", "signature": signature}, "P")
