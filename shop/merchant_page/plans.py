"""Installment plans from GET_INSTALLMENTS_PLANS, read for the plan picker.

APS responds with ``installment_detail.issuer_detail[]``: one entry per issuer
bank with its names in English and Arabic, the card BINs it issues and its
``plan_details[]``. ``installment_detail`` is outside APS's response
signature, so the shop only displays it; APS checks the plan again when the
payment is sent.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from ..aps import from_minor_units

logger = logging.getLogger("shop.payments")

# Currencies the merchant page asks APS for installment plans in. NOTE: this
# shop's choice (Saudi Arabia, the UAE, Egypt); APS returns only the plans
# set up on the merchant's account.
INSTALLMENT_CURRENCIES = frozenset({"SAR", "AED", "EGP"})

PERCENTAGE = "percentage"


@dataclass(frozen=True)
class InstallmentPlan:
    """One plan of one issuer, ready to show: months, fee and the monthly amount in major units."""

    issuer_code: str
    issuer_name_en: str
    issuer_name_ar: str
    plan_code: str
    months: int
    fee_percent: Decimal | None
    fee_amount: Decimal | None
    amount_per_month: Decimal | None
    bins: tuple[str, ...]
    terms_url: str = ""

    @property
    def value(self) -> str:
        """Return the picker's value for this plan: ``issuer_code:plan_code``."""
        return f"{self.issuer_code}:{self.plan_code}"

    def issuer_name(self, language: str) -> str:
        return self.issuer_name_ar if language == "ar" and self.issuer_name_ar else self.issuer_name_en


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _fee(plan: Mapping[str, Any], currency: str) -> tuple[Decimal | None, Decimal | None]:
    """Return (percentage, fixed amount in major units) of a plan's fee; one of them is None.

    NOTE: APS does not document the unit of ``fees_amount``. It is read as
    hundredths, as the official WooCommerce plugin reads
    ``fee_display_value``: a percentage times 100, or a fixed fee in minor units.
    """
    raw = _decimal(plan.get("fees_amount"))
    if raw is None:
        return None, None
    if str(plan.get("fees_type", "")).strip().lower() == PERCENTAGE:
        return raw / 100, None
    try:
        return None, from_minor_units(int(raw), currency)
    except (ValueError, ArithmeticError):
        return None, None


def installment_detail(answer: Mapping[str, Any]) -> Mapping[str, Any]:
    """Return the response's ``installment_detail`` as a mapping; a JSON-encoded string is decoded as well."""
    detail = answer.get("installment_detail")
    if isinstance(detail, str):
        try:
            detail = json.loads(detail)
        except ValueError:
            return {}
    return detail if isinstance(detail, Mapping) else {}


def parse_plans(answer: Mapping[str, Any], currency: str) -> list[InstallmentPlan]:
    """Read the plans of a 62000 GET_INSTALLMENTS_PLANS response; skip entries that lack codes."""
    plans: list[InstallmentPlan] = []
    issuers = installment_detail(answer).get("issuer_detail") or []
    for issuer in issuers if isinstance(issuers, list) else []:
        if not isinstance(issuer, Mapping) or not issuer.get("issuer_code"):
            continue
        bins = tuple(
            str(entry.get("bin", "")) for entry in issuer.get("bins") or [] if isinstance(entry, Mapping) and entry.get("bin")
        )
        for plan in issuer.get("plan_details") or []:
            if not isinstance(plan, Mapping) or not plan.get("plan_code"):
                continue
            months = _decimal(plan.get("number_of_installment"))
            percent, fixed = _fee(plan, currency)
            plans.append(
                InstallmentPlan(
                    issuer_code=str(issuer["issuer_code"]),
                    issuer_name_en=str(issuer.get("issuer_name_en") or issuer["issuer_code"]),
                    issuer_name_ar=str(issuer.get("issuer_name_ar") or ""),
                    plan_code=str(plan["plan_code"]),
                    months=int(months) if months is not None else 0,
                    fee_percent=percent,
                    fee_amount=fixed,
                    amount_per_month=_decimal(plan.get("amountPerMonth")),
                    bins=bins,
                    terms_url=str(issuer.get("terms_and_condition_en") or ""),
                )
            )
    return plans


def plans_as_details(plans: list[InstallmentPlan]) -> list[dict[str, str]]:
    """Return the issuer and plan codes to keep on the attempt, so the shopper's pick can be checked."""
    return [{"issuer_code": plan.issuer_code, "plan_code": plan.plan_code} for plan in plans]
