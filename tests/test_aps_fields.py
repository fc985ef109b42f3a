"""APS field rules."""

import pytest

from shop.aps import check_fields, is_valid_merchant_reference


@pytest.mark.parametrize("reference", ["ORD123-AB", "a.b_c-d", "x" * 40])
def test_valid_merchant_references(reference):
    assert is_valid_merchant_reference(reference)


@pytest.mark.parametrize("reference", ["", "x" * 41, "INV/2026/1", "order 1", "طلب"])
def test_invalid_merchant_references(reference):
    assert not is_valid_merchant_reference(reference)


def test_length_problem_reported():
    problems = check_fields({"merchant_reference": "x" * 41})
    assert [(p.field, p.kind) for p in problems] == [("merchant_reference", "length")]


def test_format_problem_reported():
    problems = check_fields({"customer_name": "سارة"})
    assert [(p.field, p.kind) for p in problems] == [("customer_name", "format")]


def test_unknown_and_empty_fields_ignored():
    assert check_fields({"my_field": "anything", "customer_name": ""}) == []


def test_amount_must_be_ascii_digits():
    assert check_fields({"amount": "12.5"})[0].kind == "format"
    assert check_fields({"amount": "١٢"})[0].kind == "format"
    assert check_fields({"amount": "1250"}) == []
