"""paymentPage request validation, which maps each problem to its APS response code.

Checks run in this order, and the first failure is the response:

1. ``signature`` missing: 00001; wrong: 00008. The signature is checked
   over exactly the fields received, empty values left out, as the shop
   signs (for TOKENIZATION the card fields are left out too).
2. A mandatory field missing or empty: 00001.
3. A field too long: 00032; in a wrong format: 00002
   (``shop.aps.fields.check_fields`` plus ``SIMULATOR_FIELD_RULES``).
   ``command`` other than PURCHASE or AUTHORIZATION: 00004.
4. Card fields sent with a redirection ``command``: 00027.
5. A merchant_reference that was already used: 00066.
6. ``amount`` not a positive whole number of minor units: 00005.
7. ``currency`` not an ISO 4217 code: 00013.
8. AUTHORIZATION with a PURCHASE-only payment option or wallet: 00049.
9. ``merchant_identifier`` not the simulator's: 00009; ``access_code``: 00010.
10. No hosted-page handler for the payment option: 00003, then the
    handler's own checks.

NOTE: APS does not publish the order of its checks, so this order is the
simulator's choice. A missing signature gets 00001 rather than 00008 so
that the two cases stay distinguishable.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from shop.aps import UnknownCurrencyError, check_fields, currency_exponent, verify_signature
from shop.aps.fields import FieldRule, FieldProblem
from shop.aps.signature import TOKENIZATION_UNSIGNED_FIELDS

REDIRECTION_MANDATORY = (
    "command", "access_code", "merchant_identifier", "merchant_reference",
    "amount", "currency", "language", "customer_email", "signature",
)
TOKENIZATION_MANDATORY = (
    "service_command", "access_code", "merchant_identifier", "merchant_reference", "language", "signature",
)
PAGE_COMMANDS = ("PURCHASE", "AUTHORIZATION")

# Fields a shopper types on a card form. Sent with a redirection request
# they are "extra parameters" (00027): only merchant-page tokenization
# accepts them on paymentPage.
CARD_FIELDS = ("card_number", "expiry_date", "card_security_code", "card_holder_name")

# Installment plan a shopper picks on a merchant's own card form
# (installments=STANDALONE tokenization); see validate_page_request.
SHOPPER_PLAN_FIELDS = frozenset({"plan_code", "issuer_code"})

# Payment options and wallets that APS accepts only with PURCHASE.
PURCHASE_ONLY_OPTIONS = frozenset({"MADA", "MEEZA", "KNET", "NAPS", "BENEFIT", "OMANNET", "SADAD"})
PURCHASE_ONLY_WALLETS = frozenset({"STCPAY"})

# Rules for fields that shop.aps.fields does not cover, from the APS
# merchant-page, installments and token parameter tables (card_holder_name
# max 50, expiry_date YYMM, plan_code and issuer_code max 8).
SIMULATOR_FIELD_RULES: dict[str, FieldRule] = {
    "card_number": FieldRule(19, re.compile(r"[0-9]+", re.ASCII), "digits"),
    "expiry_date": FieldRule(4, re.compile(r"[0-9]{4}", re.ASCII), "YYMM"),
    "card_holder_name": FieldRule(50, None, "the name on the card"),
    "plan_code": FieldRule(8, re.compile(r"[A-Za-z0-9]+", re.ASCII), "letters and digits"),
    "issuer_code": FieldRule(8, re.compile(r"[A-Za-z0-9]+", re.ASCII), "letters and digits"),
    "token_status": FieldRule(8, re.compile(r"ACTIVE|INACTIVE"), "ACTIVE or INACTIVE"),
    "new_token_name": FieldRule(100, re.compile(r"[A-Za-z0-9.@_-]+", re.ASCII), "letters, digits and . @ - _"),
}

# Codes of the checks above.
MISSING_PARAMETER = "00001"
INVALID_FORMAT = "00002"
OPTION_NOT_AVAILABLE = "00003"
INVALID_COMMAND = "00004"
INVALID_AMOUNT = "00005"
SIGNATURE_MISMATCH = "00008"
INVALID_MERCHANT = "00009"
INVALID_ACCESS_CODE = "00010"
INVALID_CURRENCY = "00013"
EXTRA_PARAMETERS = "00027"
INVALID_LENGTH = "00032"
MISSING_RETURN_URL = "00037"
NOT_VALID_FOR_OPTION = "00049"
# APS has two codes for a reused reference: 00007 "Duplicate order number"
# and 00066 "Merchant reference already exists". The simulator always uses
# 00066 because it names the merchant_reference field.
DUPLICATE_REFERENCE = "00066"


@dataclass(frozen=True)
class Rejection:
    """Why a request was refused: the APS response code and a detail for logs and the error page."""

    response_code: str
    detail: str


def _present(params: Mapping[str, Any], name: str) -> bool:
    value = params.get(name)
    return value is not None and value != ""


def check_signature(params: Mapping[str, Any], settings: Mapping[str, Any], exclude: frozenset[str] = frozenset()) -> Rejection | None:
    """Check that ``signature`` is present (00001) and matches the request phrase (00008)."""
    if not _present(params, "signature"):
        return Rejection(MISSING_PARAMETER, "signature is missing")
    try:
        valid = verify_signature(
            params, settings["SIMULATOR_SHA_REQUEST_PHRASE"], settings["SIMULATOR_SHA_TYPE"], exclude
        )
    except TypeError as error:
        return Rejection(SIGNATURE_MISMATCH, f"a value cannot be signed: {error}")
    if not valid:
        return Rejection(SIGNATURE_MISMATCH, "signature does not match the fields received and the SHA request phrase")
    return None


def check_mandatory(params: Mapping[str, Any], mandatory: tuple[str, ...]) -> Rejection | None:
    """Return 00001 naming the first mandatory field that is missing or empty."""
    for name in mandatory:
        if not _present(params, name):
            return Rejection(MISSING_PARAMETER, f"{name} is missing")
    return None


def field_problems(params: Mapping[str, Any]) -> list[FieldProblem]:
    """List length and format problems under the shop's rules and the simulator's extra ones."""
    problems = check_fields(params)
    for name, rule in SIMULATOR_FIELD_RULES.items():
        value = params.get(name)
        if not isinstance(value, str) or value == "":
            continue
        if len(value) > rule.max_length:
            problems.append(FieldProblem(name, "length", f"{name} is {len(value)} characters; the maximum is {rule.max_length}"))
        elif rule.pattern is not None and not rule.pattern.fullmatch(value):
            problems.append(FieldProblem(name, "format", f"{name} is invalid; expected {rule.description}"))
    return problems


def check_field_rules(params: Mapping[str, Any], deferred_formats: frozenset[str] = frozenset()) -> Rejection | None:
    """Return 00032 for the first field that is too long, else 00002 for the first badly formatted one.

    Format problems of ``deferred_formats`` are skipped because a later check
    reports them with a more precise code (``amount``: 00005).
    """
    problems = field_problems(params)
    for problem in problems:
        if problem.kind == "length":
            return Rejection(INVALID_LENGTH, problem.message)
    for problem in problems:
        if problem.kind == "format" and problem.field not in deferred_formats:
            return Rejection(INVALID_FORMAT, problem.message)
    return None


def check_merchant(params: Mapping[str, Any], settings: Mapping[str, Any]) -> Rejection | None:
    """Return 00009 or 00010 when the merchant identifier or access code is not the simulator's."""
    if params.get("merchant_identifier") != settings["SIMULATOR_MERCHANT_IDENTIFIER"]:
        return Rejection(INVALID_MERCHANT, f"merchant_identifier {params.get('merchant_identifier')!r} is unknown")
    if params.get("access_code") != settings["SIMULATOR_ACCESS_CODE"]:
        return Rejection(INVALID_ACCESS_CODE, "access_code does not belong to this merchant_identifier")
    return None


def check_amount(amount: Any) -> Rejection | None:
    """Return 00005 unless ``amount`` is a positive whole number of minor units."""
    text = str(amount)
    if not text.isascii() or not text.isdigit() or int(text) == 0:
        return Rejection(INVALID_AMOUNT, f"amount {amount!r} is not a positive whole number of minor units")
    return None


def check_currency(currency: Any) -> Rejection | None:
    """Return 00013 unless ``currency`` is an ISO 4217 code in the amounts table."""
    try:
        currency_exponent(str(currency))
    except UnknownCurrencyError:
        return Rejection(INVALID_CURRENCY, f"currency {currency!r} is not an ISO 4217 code")
    return None


def validate_page_request(
    params: Mapping[str, str],
    settings: Mapping[str, Any],
    reference_used: Callable[[str], bool],
) -> Rejection | None:
    """Run checks 1 to 9 on a paymentPage request; None when it passes.

    ``reference_used(merchant_reference)`` returns whether a reference was
    already accepted once. The hosted-page handler lookup (check 10) is the
    caller's, because it needs the handler registry.
    """
    tokenization = _present(params, "service_command")
    exclude = TOKENIZATION_UNSIGNED_FIELDS if tokenization else frozenset()

    rejection = check_signature(params, settings, exclude)
    if rejection and rejection.response_code == SIGNATURE_MISMATCH and tokenization:
        # NOTE: APS documents no plan fields in a Merchant Page 2.0 request.
        # The simulator accepts them from the shopper's form, signed by the
        # merchant or added in the browser like the card fields.
        if any(_present(params, name) for name in SHOPPER_PLAN_FIELDS):
            rejection = check_signature(params, settings, exclude | SHOPPER_PLAN_FIELDS)
    if rejection:
        return rejection

    rejection = check_mandatory(params, TOKENIZATION_MANDATORY if tokenization else REDIRECTION_MANDATORY)
    if rejection:
        return rejection

    rejection = check_field_rules(params, deferred_formats=frozenset({"amount"}))
    if rejection:
        return rejection
    if not tokenization and params["command"] not in PAGE_COMMANDS:
        return Rejection(INVALID_COMMAND, f"command {params['command']!r} is not valid on paymentPage; use PURCHASE or AUTHORIZATION")

    if not tokenization:
        extra = [name for name in CARD_FIELDS if _present(params, name)]
        if extra:
            return Rejection(EXTRA_PARAMETERS, f"card fields are not accepted with a redirection request: {', '.join(extra)}")

    if reference_used(params["merchant_reference"]):
        return Rejection(DUPLICATE_REFERENCE, f"merchant_reference {params['merchant_reference']!r} was already used")

    if _present(params, "amount") or not tokenization:
        rejection = check_amount(params.get("amount", ""))
        if rejection:
            return rejection
    if _present(params, "currency") or not tokenization:
        rejection = check_currency(params.get("currency", ""))
        if rejection:
            return rejection

    if params.get("command") == "AUTHORIZATION":
        if params.get("payment_option") in PURCHASE_ONLY_OPTIONS:
            return Rejection(NOT_VALID_FOR_OPTION, f"payment_option {params['payment_option']} allows PURCHASE only")
        if params.get("digital_wallet") in PURCHASE_ONLY_WALLETS:
            return Rejection(NOT_VALID_FOR_OPTION, f"digital_wallet {params['digital_wallet']} allows PURCHASE only")

    return check_merchant(params, settings)
