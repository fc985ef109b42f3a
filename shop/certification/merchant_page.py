"""Check points of APS's table for the custom merchant page of non-PCI merchants.

The merchant page shares the shop's return and feedback endpoints, its
signature code and its checkout page with the hosted checkout, so those
lines repeat the hosted checkout's results. Its own lines check the
TOKENIZATION form (posted by the browser straight to APS, card fields
unsigned and filled in the browser) and where ``customer_ip`` comes from.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

import requests

from ..aps import TOKENIZATION_UNSIGNED_FIELDS, verify_signature
from .model import Line, Status
from .probe import ProbeError, ShopProbe, parse_page

MERCHANT_PAGE = "Custom integration (non-PCI merchant page)"
METHOD = "card_mp"

# Hosted-checkout check points whose result holds for the merchant page too, because the code is shared.
SHARED_CHECK_POINTS = (
    "Accept responses returned as POST FORMs",
    "Request and Response Signature Calculations and validations",
    "Transaction Feedback Implementation",
    "Amount Validation",
    "MADA",
    "Amex",
)
SHOPPER_ADDRESSES = ("198.51.100.7", "2001:db8::25")


def _line(check_point: str, item: str, status: Status, evidence: str, hint: str = "") -> Line:
    return Line(MERCHANT_PAGE, check_point, item, status, evidence, hint)


def customer_email_and_ip(probe: ShopProbe) -> list[Line]:
    """Check that customer_email is the shopper's and that customer_ip is taken from each shopper's request."""
    from ..payments.client_ip import client_ip

    check_point = "Detect Customer Email Address and IP"
    lines = []
    email = "mp.shopper@aps-storefront.dev"
    order = probe.place_order(email, method=METHOD)
    page = parse_page(order.pages[-1])
    # The TOKENIZATION form carries no e-mail; the PURCHASE sent after it uses the order's address.
    lines.append(_line(check_point, "customer_email", Status.PASS,
                       f"the order {order.merchant_reference} was placed with {email}; the token payment sends the "
                       "order's customer_email (see the hosted checkout line for two shoppers)")
                 if page.forms else _line(check_point, "customer_email", Status.FAIL, "no merchant-page form was shown"))

    seen = [client_ip(address, [], []) for address in SHOPPER_ADDRESSES]
    item = "customer_ip is each shopper's address"
    if seen == list(SHOPPER_ADDRESSES):
        lines.append(_line(check_point, item, Status.PASS,
                           f"shoppers connecting from {SHOPPER_ADDRESSES[0]} and {SHOPPER_ADDRESSES[1]} get "
                           f"customer_ip={seen[0]} and customer_ip={seen[1]}; behind a proxy set SHOP_TRUSTED_PROXIES"))
    else:
        lines.append(_line(check_point, item, Status.FAIL, f"shoppers at {SHOPPER_ADDRESSES} got customer_ip {seen}",
                           "Send the address of the shopper's request, not a fixed one."))
    return lines


def tokenization_form(probe: ShopProbe, config: Mapping[str, Any]) -> Line:
    """Check that the card form posts TOKENIZATION from the browser to APS with the card fields unsigned."""
    check_point = "Tokenization Service command"
    item = "posted from the browser to APS"
    order = probe.place_order("mp.tokenization@aps-storefront.dev", method=METHOD)
    forms = [form for form in parse_page(order.pages[-1]).forms
             if form.fields.get("service_command") == "TOKENIZATION" and "card_number" in form.fields]
    if not forms:
        return _line(check_point, item, Status.FAIL, "the merchant page shows no TOKENIZATION form with card fields",
                     "Post service_command=TOKENIZATION with the card fields from the shopper's browser.")
    form = forms[0]
    action = form.attributes.get("action", "")
    problems = []
    if form.attributes.get("method", "").lower() != "post":
        problems.append("the form is not posted")
    if urlsplit(action).path != "/FortAPI/paymentPage" or urlsplit(action).netloc == urlsplit(probe.base_url).netloc:
        problems.append(f"the form posts to {action}, not to APS's paymentPage")
    filled = sorted(name for name in TOKENIZATION_UNSIGNED_FIELDS if form.fields.get(name))
    if filled:
        problems.append(f"the shop's page already holds values for {filled}")
    unsigned = {name: value for name, value in form.fields.items()}
    if not verify_signature(unsigned, config["APS_SHA_REQUEST_PHRASE"], config["APS_SHA_TYPE"],
                            TOKENIZATION_UNSIGNED_FIELDS):
        problems.append("the signature does not match the request phrase over the fields other than the card fields")
    if problems:
        return _line(check_point, item, Status.FAIL, "; ".join(problems),
                     "Sign TOKENIZATION on the server without the card fields and let the browser post it to APS.")
    return _line(check_point, item, Status.PASS,
                 f"the card form of {order.merchant_reference} posts service_command=TOKENIZATION to {action}; its card "
                 "fields are empty hidden inputs filled in the browser and left out of the signature, which matches")


def shared_lines(hosted: Sequence[Line]) -> list[Line]:
    lines = []
    for line in hosted:
        if line.check_point in SHARED_CHECK_POINTS:
            lines.append(_line(line.check_point, line.item, line.status,
                               f"same code as the hosted checkout: {line.evidence}", line.hint))
    return lines


def merchant_page_lines(probe: ShopProbe, config: Mapping[str, Any], environ: Mapping[str, str],
                        hosted: Sequence[Line]) -> list[Line]:
    """Return the lines of the merchant-page table, in APS's order."""
    lines: list[Line] = []
    try:
        lines += customer_email_and_ip(probe)
    except (ProbeError, requests.RequestException) as error:
        lines.append(_line("Detect Customer Email Address and IP", "", Status.FAIL, f"the check could not run: {error}"))
    shared = shared_lines(hosted)
    lines += [line for line in shared if line.check_point in SHARED_CHECK_POINTS[:3]]
    try:
        lines.append(tokenization_form(probe, config))
    except (ProbeError, requests.RequestException) as error:
        lines.append(_line("Tokenization Service command", "", Status.FAIL, f"the check could not run: {error}"))
    lines.append(_line("Dynamic Controller for 3DS", "", Status.NOT_APPLICABLE,
                       "not checked automatically: the merchant page sends the shopper's top window to 3ds_url when "
                       "APS answers 20064 and shows the final result otherwise"))
    lines += [line for line in shared if line.check_point == "Amount Validation"]
    lines.append(_line("Different Inbound Server IP in Sandbox and Production", "", Status.NOT_APPLICABLE,
                       "not checkable from the shop: confirm that production calls come from other servers than the "
                       "sandbox's"))
    if config.get("APS_DEVICE_FINGERPRINT"):
        lines.append(_line("Advanced Fraud Tool (ReD)", "", Status.PASS,
                           "APS_DEVICE_FINGERPRINT is on: the merchant page collects device_fingerprint and the "
                           "token payment sends it"))
    else:
        lines.append(_line("Advanced Fraud Tool (ReD)", "", Status.NOT_APPLICABLE,
                           "needed only when ReD is active on the production account; then set APS_DEVICE_FINGERPRINT=1"))
    lines += [line for line in shared if line.check_point in {"MADA", "Amex"}]
    from ..payments.methods import get_method

    if get_method("stcpay") is None:
        lines.append(_line("STCPAY", "", Status.NOT_APPLICABLE, "the shop does not offer STC Pay"))
    else:
        lines.append(_line("STCPAY", "", Status.NOT_APPLICABLE,
                           "not checked automatically: the STC Pay screenshots show the shopper typing the phone "
                           "number and the OTP that the shop sends on"))
    return lines
