"""APS request field rules: maximum lengths and allowed characters.

Lengths and special characters follow the APS redirection and merchant-page
parameter tables. The simulator enforces them and the shop checks what it
builds against them, so a value APS would reject fails here first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from collections.abc import Mapping


@dataclass(frozen=True)
class FieldRule:
    """Maximum length and allowed characters of one APS parameter."""

    max_length: int
    pattern: re.Pattern[str] | None = None
    description: str = ""


def _chars(extra: str, letters: bool = True, digits: bool = True) -> re.Pattern[str]:
    classes = ""
    if letters:
        classes += "A-Za-z"
    if digits:
        classes += "0-9"
    return re.compile("[" + classes + re.escape(extra) + "]*", re.ASCII)


FIELD_RULES: dict[str, FieldRule] = {
    "command": FieldRule(20, re.compile(r"[A-Z_]+"), "upper-case command name"),
    "query_command": FieldRule(50, re.compile(r"[A-Z_]+"), "upper-case command name"),
    "service_command": FieldRule(20, re.compile(r"[A-Z_]+"), "upper-case command name"),
    "access_code": FieldRule(20, _chars(""), "letters and digits"),
    "merchant_identifier": FieldRule(20, _chars(""), "letters and digits"),
    "merchant_reference": FieldRule(40, _chars("-_."), "letters, digits and - _ ."),
    "maintenance_reference": FieldRule(40, _chars("-_."), "letters, digits and - _ ."),
    "language": FieldRule(2, re.compile(r"en|ar"), "'en' or 'ar'"),
    "amount": FieldRule(10, re.compile(r"[0-9]+", re.ASCII), "digits in minor units"),
    "currency": FieldRule(3, re.compile(r"[A-Z]{3}"), "ISO 4217 alpha-3 code"),
    "customer_email": FieldRule(254, _chars("_-.@+"), "an e-mail address"),
    "customer_ip": FieldRule(45, _chars(".:"), "an IPv4 or IPv6 address"),
    "customer_name": FieldRule(40, _chars("_\\/-.' ", digits=False), "Latin letters, spaces and _ \\ / - . '"),
    "order_description": FieldRule(150, _chars("'/._-#:$ "), "letters, digits, spaces and ' / . _ - # : $"),
    "payment_option": FieldRule(10, re.compile(r"[A-Z_]+"), "an APS payment option"),
    "digital_wallet": FieldRule(100, re.compile(r"[A-Z_]+"), "an APS digital wallet"),
    "eci": FieldRule(16, re.compile(r"ECOMMERCE|MOTO|RECURRING"), "ECOMMERCE, MOTO or RECURRING"),
    "token_name": FieldRule(100, _chars(".@-_"), "letters, digits and . @ - _"),
    "remember_me": FieldRule(3, re.compile(r"YES|NO"), "YES or NO"),
    "return_url": FieldRule(400, _chars("$!=?#&-_/:.%~+"), "a URL"),
    "phone_number": FieldRule(19, _chars("+-() ", letters=False), "digits and + - ( ) space"),
    "merchant_extra": FieldRule(999, _chars(".;/_-,'@ "), "letters, digits and . ; / _ - , ' @"),
    "settlement_reference": FieldRule(34, _chars("-_."), "letters, digits and - _ ."),
    "fort_id": FieldRule(20, re.compile(r"[0-9]+", re.ASCII), "digits"),
    "signature": FieldRule(200, re.compile(r"[0-9A-Fa-f]+"), "hex digest"),
    "installments": FieldRule(10, re.compile(r"STANDALONE|HOSTED|YES"), "STANDALONE, HOSTED or YES"),
    "card_security_code": FieldRule(4, re.compile(r"[0-9]{3,4}", re.ASCII), "3 or 4 digits"),
}
for _index in range(1, 6):
    FIELD_RULES[f"merchant_extra{_index}"] = FieldRule(250, FIELD_RULES["merchant_extra"].pattern, FIELD_RULES["merchant_extra"].description)


@dataclass(frozen=True)
class FieldProblem:
    """One field that breaks its rule; ``kind`` is 'length' or 'format'."""

    field: str
    kind: str
    message: str


def check_fields(params: Mapping[str, object]) -> list[FieldProblem]:
    """List the fields of ``params`` that break a rule in ``FIELD_RULES``.

    Length problems come before format problems for the same field, because
    APS returns 00032 (invalid length) before 00002 (invalid format).
    """
    problems: list[FieldProblem] = []
    for name, value in params.items():
        rule = FIELD_RULES.get(name)
        if rule is None or not isinstance(value, str) or value == "":
            continue
        if len(value) > rule.max_length:
            problems.append(FieldProblem(name, "length", f"{name} is {len(value)} characters; the maximum is {rule.max_length}"))
        elif rule.pattern is not None and not rule.pattern.fullmatch(value):
            problems.append(FieldProblem(name, "format", f"{name} {value!r} is invalid; expected {rule.description}"))
    return problems


MERCHANT_REFERENCE_RULE = FIELD_RULES["merchant_reference"]


def is_valid_merchant_reference(value: str) -> bool:
    """Tell whether ``value`` is a merchant_reference APS accepts."""
    return 0 < len(value) <= MERCHANT_REFERENCE_RULE.max_length and bool(MERCHANT_REFERENCE_RULE.pattern.fullmatch(value))
