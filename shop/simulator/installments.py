"""Demo installment issuers and plans.

APS lets a shopper split a card payment into monthly installments with a
participating issuer bank. The simulator has three demo issuers, each owning
some BINs of the test cards, so every installment case can be tried:

- GET_INSTALLMENTS_PLANS (paymentApi) returns them as
  ``installment_detail.issuer_detail[]`` (``issuer_detail_for``).
- A PURCHASE with ``installments=YES`` or ``HOSTED``, ``plan_code`` and
  ``issuer_code`` is checked with ``check_plan``: 092 unknown issuer, 094
  unknown plan (or a plan of another issuer), 084 amount outside the plan's
  limits, 087 card BIN not of the issuer.
- With ``installments=STANDALONE``, the hosted card page and the
  merchant-page card page show a plan picker (``plan_choices`` and
  ``read_plan_choice``), and the result carries ``number_of_installments``,
  ``plan_code`` and ``issuer_code``.

Units in ``plan_details``: ``minimum_amount`` and ``maximum_amount`` are in
minor units like ``amount``, ``amountPerMonth`` is in major units with the
currency's decimals, and ``fees_amount`` and ``fee_display_value`` are in
hundredths (a percentage times 100, or the fixed fee in minor units).
NOTE: APS does not document these units. The hundredths follow the official
WooCommerce plugin, which divides ``fee_display_value`` by the currency's
decimals before showing it, and the limits follow ``amount``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from flask import Blueprint, abort, request, url_for

from shop.aps import currency_exponent, from_minor_units, to_minor_units

from .i18n import isolate_ltr, page_language, render_page, text

bp = Blueprint("installments", __name__)

PERCENTAGE = "Percentage"
FIXED = "Fixed"
# Value of the picker's "pay the full amount" choice.
FULL_PAYMENT = ""

# Message codes (the last three digits of response_code) of the plan checks.
INVALID_ISSUER = "092"
INVALID_PLAN = "094"
AMOUNT_OUTSIDE_PLAN = "084"
BIN_NOT_OF_ISSUER = "087"


@dataclass(frozen=True)
class Plan:
    """One installment plan of an issuer. Fees and limits are in major units of any currency."""

    plan_code: str
    number_of_installment: int
    fees_type: str
    fees_amount: Decimal
    minimum_amount: Decimal
    maximum_amount: Decimal


@dataclass(frozen=True)
class Issuer:
    """A demo issuer bank: names, banking system, the BINs it issues and its plans."""

    issuer_code: str
    name_en: str
    name_ar: str
    banking_system: str
    bins: tuple[tuple[str, str], ...]
    plans: tuple[Plan, ...]
    country_code: str = "SAU"

    def issues(self, card_number: str) -> bool:
        """Tell whether ``card_number`` starts with one of this issuer's BINs."""
        return any(card_number.startswith(bin_) for bin_, _ in self.bins)


# BINs are those of the simulator's test cards, so a tester can pick a card
# that matches or misses an issuer. Codes are at most 8 letters and digits.
ISSUERS: tuple[Issuer, ...] = (
    Issuer(
        issuer_code="SIMBANK1",
        name_en="Simulator Bank",
        name_ar="بنك المحاكي",
        banking_system="Non Islamic",
        bins=(("400555", "VISA"), ("512345", "MASTERCARD")),
        plans=(
            Plan("SB1M03", 3, PERCENTAGE, Decimal("0"), Decimal("500"), Decimal("50000")),
            Plan("SB1M06", 6, PERCENTAGE, Decimal("2.5"), Decimal("1000"), Decimal("50000")),
            Plan("SB1M12", 12, PERCENTAGE, Decimal("5"), Decimal("2000"), Decimal("100000")),
        ),
    ),
    Issuer(
        issuer_code="SIMISLM1",
        name_en="Simulator Islamic Bank",
        name_ar="بنك المحاكي الإسلامي",
        banking_system="Islamic",
        bins=(("455701", "VISA"), ("531358", "MASTERCARD")),
        plans=(
            Plan("SI1M06", 6, FIXED, Decimal("50"), Decimal("1000"), Decimal("60000")),
            Plan("SI1M12", 12, FIXED, Decimal("90"), Decimal("2000"), Decimal("120000")),
        ),
    ),
    Issuer(
        issuer_code="SIMCARD1",
        name_en="Simulator Card Services",
        name_ar="خدمات بطاقات المحاكي",
        banking_system="Non Islamic",
        bins=(("345678", "AMEX"), ("374200", "AMEX")),
        plans=(Plan("SC1M03", 3, PERCENTAGE, Decimal("1.5"), Decimal("300"), Decimal("30000")),),
    ),
)

ISSUERS_BY_CODE = {issuer.issuer_code: issuer for issuer in ISSUERS}

TEXTS = {
    "terms_en": "Demo terms: the issuer charges the plan's fee and collects the installments monthly. Nothing is charged in the simulator.",
    "terms_ar": "شروط تجريبية: يحتسب البنك المُصدر رسوم الخطة ويحصّل الأقساط شهرياً. لا يُحتسب أي مبلغ في المحاكي.",
    "confirmation_en": "Your card will be charged the full amount now; your bank converts it into monthly installments.",
    "confirmation_ar": "سيُخصم المبلغ كاملاً من بطاقتك الآن، ثم يحوّله البنك إلى أقساط شهرية.",
    "disclaimer_en": "Installments are offered by the issuer bank, not by the merchant.",
    "disclaimer_ar": "يقدّم البنك المُصدر خدمة التقسيط وليس التاجر.",
    "processing_fees_en": "No processing fee applies.",
    "processing_fees_ar": "لا توجد رسوم معالجة.",
}
FORMULA = "(amount + fees) / number_of_installment"


def find_plan(plan_code: str) -> tuple[Issuer, Plan] | None:
    """Return the issuer and plan with ``plan_code``, or None."""
    for issuer in ISSUERS:
        for plan in issuer.plans:
            if plan.plan_code == plan_code:
                return issuer, plan
    return None


def _major(amount: str | int, currency: str) -> Decimal:
    return from_minor_units(str(amount), currency)


def amount_fits(plan: Plan, amount: str | int, currency: str) -> bool:
    """Tell whether a minor-unit ``amount`` lies within the plan's limits."""
    return plan.minimum_amount <= _major(amount, currency) <= plan.maximum_amount


def fee_total(plan: Plan, amount: str | int, currency: str) -> Decimal:
    """Return the plan's fee on ``amount`` in major units."""
    if plan.fees_type == PERCENTAGE:
        return _major(amount, currency) * plan.fees_amount / 100
    return plan.fees_amount


def amount_per_month(plan: Plan, amount: str | int, currency: str) -> Decimal:
    """Return one monthly installment in major units, rounded to the currency's decimals."""
    total = _major(amount, currency) + fee_total(plan, amount, currency)
    step = Decimal(1).scaleb(-currency_exponent(currency))
    return (total / plan.number_of_installment).quantize(step, rounding=ROUND_HALF_UP)


def _hundredths(plan: Plan, currency: str) -> int:
    if plan.fees_type == PERCENTAGE:
        return int(plan.fees_amount * 100)
    return int(to_minor_units(plan.fees_amount, currency))


def plan_detail(plan: Plan, amount: str | int, currency: str) -> dict[str, Any]:
    """Return one ``plan_details`` entry for ``amount`` in ``currency``, with JSON numbers as APS sends them."""
    fee = _hundredths(plan, currency)
    return {
        "plan_code": plan.plan_code,
        "currency_code": currency,
        "number_of_installment": plan.number_of_installment,
        "fees_type": plan.fees_type,
        "fees_amount": fee,
        "processing_fees_type": FIXED,
        "processing_fees_amount": 0,
        "rate_type": "Flat",
        "plan_merchant_type": "Partner",
        "plan_type": "Local",
        "fee_display_value": fee,
        "minimum_amount": int(to_minor_units(plan.minimum_amount, currency)),
        "maximum_amount": int(to_minor_units(plan.maximum_amount, currency)),
        "amountPerMonth": float(amount_per_month(plan, amount, currency)),
    }


def terms_url(issuer: Issuer, language: str) -> str:
    """Return the absolute URL of the issuer's demo terms page on this simulator."""
    return url_for("installments.terms", issuer_code=issuer.issuer_code, language=language, _external=True)


def issuer_detail_for(issuer: Issuer, amount: str | int, currency: str) -> dict[str, Any]:
    """Return one ``issuer_detail`` entry with the plans whose limits include ``amount``.

    An issuer with no fitting plan is still listed, with empty
    ``plan_details``. The official WooCommerce plugin filters such issuers
    out, which suggests that APS sends them.
    """
    return {
        "issuer_code": issuer.issuer_code,
        "issuer_name_en": issuer.name_en,
        "issuer_name_ar": issuer.name_ar,
        "terms_and_condition_en": terms_url(issuer, "en"),
        "terms_and_condition_ar": terms_url(issuer, "ar"),
        "country_code": issuer.country_code,
        "banking_system": issuer.banking_system,
        "formula": FORMULA,
        "plan_details": [plan_detail(plan, amount, currency) for plan in issuer.plans if amount_fits(plan, amount, currency)],
        "bins": [{"bin": bin_, "currency_code": currency, "card_brand_code": brand} for bin_, brand in issuer.bins],
        "confirmation_message_en": TEXTS["confirmation_en"],
        "confirmation_message_ar": TEXTS["confirmation_ar"],
        "disclaimer_message_en": TEXTS["disclaimer_en"],
        "disclaimer_message_ar": TEXTS["disclaimer_ar"],
        "processing_fees_message_en": TEXTS["processing_fees_en"],
        "processing_fees_message_ar": TEXTS["processing_fees_ar"],
    }


def check_plan(issuer_code: str, plan_code: str, amount: str | int, currency: str, card_number: str) -> str | None:
    """Check a chosen plan for a payment; return the failing message code or None.

    Checks run in this order: issuer (092), plan of that issuer (094),
    amount within the plan's limits (084), card BIN issued by the issuer (087).
    """
    issuer = ISSUERS_BY_CODE.get(issuer_code)
    if issuer is None:
        return INVALID_ISSUER
    found = find_plan(plan_code)
    if found is None or found[0] is not issuer:
        return INVALID_PLAN
    if not amount_fits(found[1], amount, currency):
        return AMOUNT_OUTSIDE_PLAN
    if not issuer.issues(card_number):
        return BIN_NOT_OF_ISSUER
    return None


def result_fields(issuer_code: str, plan_code: str) -> dict[str, str]:
    """Return the installment fields a result carries for a valid plan."""
    _, plan = find_plan(plan_code) or (None, None)
    if plan is None:
        return {}
    return {"issuer_code": issuer_code, "plan_code": plan_code, "number_of_installments": str(plan.number_of_installment)}


# Plan picker of the hosted and merchant-page card pages (installments=STANDALONE).


def wants_picker(request_fields: Mapping[str, str]) -> bool:
    """Tell whether the card page of ``request_fields`` shows the plan picker."""
    return (
        request_fields.get("installments") == "STANDALONE"
        and bool(request_fields.get("amount"))
        and bool(request_fields.get("currency"))
    )


def _format_major(value: Decimal, currency: str) -> str:
    return f"{value:,.{currency_exponent(currency)}f} {currency}"


def plan_choices(request_fields: Mapping[str, str]) -> list[dict[str, str]]:
    """Return the picker's plan options (value and label) in the page's language; [] when there is no picker."""
    if not wants_picker(request_fields):
        return []
    language = page_language(request_fields.get("language"))
    amount, currency = request_fields["amount"], request_fields["currency"]
    choices = []
    for issuer in ISSUERS:
        name = issuer.name_ar if language == "ar" else issuer.name_en
        rate_key = "plan_profit" if issuer.banking_system == "Islamic" else "plan_interest"
        for plan in issuer.plans:
            if not amount_fits(plan, amount, currency):
                continue
            if plan.fees_type == PERCENTAGE:
                fee = text(language, rate_key, rate=f"{plan.fees_amount:g}%")
            else:
                fee = text(language, "plan_fixed_fee", fee=isolate_ltr(_format_major(plan.fees_amount, currency)))
            per_month = isolate_ltr(_format_major(amount_per_month(plan, amount, currency), currency))
            label = text(language, "plan_option", months=plan.number_of_installment, per_month=per_month, issuer=name, fee=fee)
            choices.append({"value": f"{issuer.issuer_code}:{plan.plan_code}", "label": label})
    return choices


def read_plan_choice(form: Mapping[str, str], request_fields: Mapping[str, str],
                     card_number: str) -> tuple[dict[str, str], str | None]:
    """Read the picker: return the result's installment fields and an error text for the page, or None.

    The full-payment choice (and a page without a picker) gives no fields.
    """
    if not wants_picker(request_fields):
        return {}, None
    language = page_language(request_fields.get("language"))
    value = form.get("plan", FULL_PAYMENT)
    if value == FULL_PAYMENT:
        return {}, None
    allowed = {choice["value"] for choice in plan_choices(request_fields)}
    if value not in allowed:
        return {}, text(language, "error_plan_invalid")
    issuer_code, plan_code = value.split(":", 1)
    issuer = ISSUERS_BY_CODE[issuer_code]
    if not issuer.issues(card_number):
        name = issuer.name_ar if language == "ar" else issuer.name_en
        return {}, text(language, "error_plan_bin", issuer=name)
    return result_fields(issuer_code, plan_code), None


@bp.get("/sim/installments/<issuer_code>/terms")
def terms(issuer_code: str) -> Any:
    """Show a demo issuer's installment terms; the plans list links here."""
    issuer = ISSUERS_BY_CODE.get(issuer_code)
    language = page_language(request.args.get("language"))
    if issuer is None:
        abort(404)
    return render_page(
        "installment_terms.html",
        language,
        issuer_name=issuer.name_ar if language == "ar" else issuer.name_en,
        terms=TEXTS[f"terms_{language}"],
        plans=issuer.plans,
    )
