"""The check points of APS's "Verify the Integration" tables, checked against a running shop.

APS sends merchants one table per integration type and requires them to confirm
each line before going live. ``run_checklist`` produces one line per check
point of the types this shop has (the hosted checkout always; the custom
merchant page when its integration is registered) and an N/A line, with the
reason, for each type it does not have. Protocol behaviour is tested over
HTTP as a shopper and as APS would see it; settings are read from the
shop's configuration. What only a person can judge (branding conformance,
server addresses) is said so in the evidence.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import requests

from ..aps import verify_signature
from ..aps.signature import is_empty
from .model import Line, Report, Status
from .probe import DECLINE_CODES, PlacedOrder, ProbeError, ShopProbe, aps_result, host_of, sign

HOSTED = "Hosted checkout"
MERCHANT_PAGE = "Custom integration (non-PCI merchant page)"
PCI = "Custom integration (PCI-certified merchant)"
MOBILE = "Mobile integration"
APPLE_PAY = "Apple Pay"
RECURRING = "Recurring payments"

# Domains APS names as invalid feedback URLs, plus the other reserved example domains.
PLACEHOLDER_DOMAINS = ("apple.com", "google.com", "example.com", "example.net", "example.org")
FEEDBACK_PATHS = ("/aps/feedback", "/aps/notification")
RETURN_PATH = "/aps/return"
# Credentials compared between the sandbox and the production account.
CREDENTIAL_NAMES = ("ACCESS_CODE", "SHA_REQUEST_PHRASE", "SHA_RESPONSE_PHRASE")
CREDENTIAL_LABELS = {"ACCESS_CODE": "access code", "SHA_REQUEST_PHRASE": "SHA request phrase",
                     "SHA_RESPONSE_PHRASE": "SHA response phrase"}

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates"

EMAILS = ("first.shopper@aps-storefront.dev", "second.shopper@aps-storefront.dev")


def _is_placeholder(host: str) -> bool:
    labels = host.split(".")
    return any(host == domain or host.endswith("." + domain) for domain in PLACEHOLDER_DOMAINS) or "example" in labels


def _is_local(host: str) -> bool:
    if host in {"localhost", ""} or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return address.is_loopback or address.is_private or address.is_link_local


class HostedCheckoutChecks:
    """Checks of the hosted-checkout table, sharing the orders they place."""

    def __init__(self, probe: ShopProbe, config: Mapping[str, Any], environ: Mapping[str, str]) -> None:
        self.probe = probe
        self.config = config
        self.environ = environ
        self.environment = str(config.get("APS_ENV", "simulator"))
        self.lines: list[Line] = []
        self._orders: list[PlacedOrder] = []

    def add(self, check_point: str, item: str, status: Status, evidence: str, hint: str = "") -> None:
        self.lines.append(Line(HOSTED, check_point, item, status, evidence, hint))

    def order(self, index: int) -> PlacedOrder:
        """Return the ``index``-th test order (0 or 1), placing the missing ones first."""
        while len(self._orders) <= index:
            email = EMAILS[len(self._orders)]
            # The first order has no name, so its request has an empty optional field to leave out.
            self._orders.append(self.probe.place_order(email, name=""))
        return self._orders[index]

    def run(self) -> list[Line]:
        steps: list[tuple[str, str, Callable[[], None]]] = [
            ("Detect Customer Email Address", "customer_email is the shopper's address", self.customer_email),
            ("Accept responses returned as POST FORMs", "return_url is https", self.return_url_https),
            ("Accept responses returned as POST FORMs", "return_url accepts POST", self.return_url_post),
            ("Request and Response Signature Calculations and validations",
             "1. empty parameters left out of the request signature", self.empty_parameters),
            ("Request and Response Signature Calculations and validations",
             "2. response signature validated", self.forged_response),
            ("Request and Response Signature Calculations and validations",
             "3. response used as received, trailing spaces kept", self.trailing_spaces),
            ("Request and Response Signature Calculations and validations",
             "4. SHA phrases used on the back end only", self.phrases_on_back_end),
            ("Request and Response Signature Calculations and validations",
             "sandbox and production credentials differ", self.credentials_differ),
            ("Transaction Feedback Implementation", "feedback URLs are real addresses", self.feedback_urls),
            ("Transaction Feedback Implementation", "feedback endpoints answer POST", self.feedback_endpoints),
            ("Amount Validation", "a result with another amount is rejected", self.amount_validation),
            ("The command parameter value PURCHASE or AUTHORIZATION", "APS_COMMAND chosen explicitly",
             self.command_chosen),
        ]
        for check_point, item, check in steps:
            before = len(self.lines)
            try:
                check()
            except (ProbeError, requests.RequestException) as error:
                self.lines[before:] = []
                self.add(check_point, item, Status.FAIL, f"the check could not run: {error}",
                         "Make sure the shop responds at the checked URL and has a product to sell.")
        self.static_rows()
        return self.lines

    # -- check points ----------------------------------------------------------------

    def customer_email(self) -> None:
        first, second = self.order(0), self.order(1)
        sent = (first.fields.get("customer_email"), second.fields.get("customer_email"))
        item = "customer_email is the shopper's address"
        if sent == EMAILS:
            self.add("Detect Customer Email Address", item, Status.PASS,
                     f"two checkouts with {EMAILS[0]} and {EMAILS[1]} sent customer_email={sent[0]} "
                     f"and customer_email={sent[1]} in the signed forms")
        else:
            self.add("Detect Customer Email Address", item, Status.FAIL,
                     f"two checkouts with {EMAILS[0]} and {EMAILS[1]} sent customer_email values {sent}",
                     "Send the address the shopper typed, never a fixed one.")

    def return_url_https(self) -> None:
        return_url = self.order(0).fields.get("return_url", "")
        item = "return_url is https"
        if return_url.startswith("https://"):
            self.add("Accept responses returned as POST FORMs", item, Status.PASS, f"return_url={return_url}")
        elif self.environment == "simulator":
            self.add("Accept responses returned as POST FORMs", item, Status.PASS,
                     f"return_url={return_url}: http is accepted by the local simulator only; "
                     "APS_ENV=sandbox or production needs an https SHOP_BASE_URL")
        else:
            self.add("Accept responses returned as POST FORMs", item, Status.FAIL,
                     f"return_url={return_url} with APS_ENV={self.environment}",
                     "Set SHOP_BASE_URL to the shop's public https address.")

    def return_url_post(self) -> None:
        response = self.probe.post(RETURN_PATH, data={"merchant_reference": self.order(0).merchant_reference})
        item = "return_url accepts POST"
        evidence = f"an unsigned form POST to {RETURN_PATH} was answered with HTTP {response.status_code}"
        if response.status_code == 400:
            self.add("Accept responses returned as POST FORMs", item, Status.PASS,
                     evidence + ": the route takes POST forms and rejects unsigned ones")
        else:
            self.add("Accept responses returned as POST FORMs", item, Status.FAIL, evidence + ", expected 400",
                     "Accept POST on the return URL and reject messages whose signature does not match.")

    def empty_parameters(self) -> None:
        check_point = "Request and Response Signature Calculations and validations"
        item = "1. empty parameters left out of the request signature"
        order = self.order(0)
        phrase, sha_type = self.config["APS_SHA_REQUEST_PHRASE"], self.config["APS_SHA_TYPE"]
        empty = sorted(name for name, value in order.fields.items() if is_empty(value))
        if empty:
            self.add(check_point, item, Status.FAIL, f"the signed form sends empty fields {empty}",
                     "Leave parameters without a value out of the request and its signature.")
            return
        if not verify_signature(order.fields, phrase, sha_type):
            self.add(check_point, item, Status.FAIL,
                     "the form's signature does not match the configured SHA request phrase over the fields sent",
                     "Check APS_SHA_REQUEST_PHRASE and APS_SHA_TYPE against the running shop.")
            return

        from ..aps import APSClient, Credentials, Endpoints

        client = APSClient(
            Credentials(self.config["APS_MERCHANT_IDENTIFIER"], self.config["APS_ACCESS_CODE"], phrase,
                        self.config["APS_SHA_RESPONSE_PHRASE"], sha_type),
            Endpoints(payment_page="", payment_api=""),
        )
        request = {"command": "PURCHASE", "merchant_reference": "CHECK-EMPTY-1", "amount": "100",
                   "currency": "SAR", "language": "en", "customer_email": EMAILS[0],
                   "customer_name": "", "phone_number": ""}
        signed = client.sign(request)
        left_in = sorted(name for name in ("customer_name", "phone_number") if name in signed)
        if left_in:
            self.add(check_point, item, Status.FAIL, f"the APS client kept the empty fields {left_in} when signing",
                     "Drop parameters without a value before signing.")
            return
        self.add(check_point, item, Status.PASS,
                 f"checkout without a name sent no customer_name and no empty field; its signature matches the "
                 f"request phrase over exactly the {len(order.fields) - 1} fields sent; the shop's APS client "
                 "drops customer_name='' and phone_number='' before signing")

    def _post_result(self, fields: dict[str, str]) -> requests.Response:
        return self.probe.post(FEEDBACK_PATHS[0], json_body=fields)

    def _decline_code(self, order: PlacedOrder) -> str:
        return DECLINE_CODES.get(order.fields.get("command", "PURCHASE"), "13666")

    def forged_response(self) -> None:
        check_point = "Request and Response Signature Calculations and validations"
        item = "2. response signature validated"
        order = self.order(1)
        before = self.probe.order_status(order)
        fields = sign(aps_result(order, self._decline_code(order), "Transaction declined"),
                      self.config["APS_SHA_RESPONSE_PHRASE"], self.config["APS_SHA_TYPE"])
        # Changed after signing: a declined result made to look successful.
        fields["response_code"] = "14000" if order.fields.get("command") != "AUTHORIZATION" else "02000"
        fields["status"] = fields["response_code"][:2]
        response = self._post_result(fields)
        after = self.probe.order_status(order)
        evidence = (f"a signed result altered after signing (response_code changed to {fields['response_code']}) "
                    f"got HTTP {response.status_code}; order status {before} before, {after} after")
        if response.status_code == 400 and before == after:
            self.add(check_point, item, Status.PASS, evidence)
        else:
            self.add(check_point, item, Status.FAIL, evidence + "; expected 400 and no change",
                     "Verify every APS message with the SHA response phrase before reading any field.")

    def amount_validation(self) -> None:
        order = self.order(1)
        before = self.probe.order_status(order)
        real = order.fields.get("amount", "0")
        wrong = str(int(real) + 1) if real.isdigit() else "1"
        fields = sign(aps_result(order, self._decline_code(order), "Transaction declined", amount=wrong),
                      self.config["APS_SHA_RESPONSE_PHRASE"], self.config["APS_SHA_TYPE"])
        response = self._post_result(fields)
        after = self.probe.order_status(order)
        evidence = (f"a correctly signed result with amount={wrong} for a request of amount={real} got HTTP "
                    f"{response.status_code}; order status {before} before, {after} after")
        item = "a result with another amount is rejected"
        if response.status_code == 400 and before == after:
            self.add("Amount Validation", item, Status.PASS, evidence)
        else:
            self.add("Amount Validation", item, Status.FAIL, evidence + "; expected 400 and no change",
                     "Compare the amount and currency of every APS result with the payment attempt.")

    def trailing_spaces(self) -> None:
        check_point = "Request and Response Signature Calculations and validations"
        item = "3. response used as received, trailing spaces kept"
        # The first order: the second must stay open for the forged-result and amount checks.
        order = self.order(0)
        message = "Transaction declined  "
        fields = sign(aps_result(order, self._decline_code(order), message),
                      self.config["APS_SHA_RESPONSE_PHRASE"], self.config["APS_SHA_TYPE"])
        response = self._post_result(fields)
        after = self.probe.order_status(order)
        evidence = (f"a correctly signed decline whose response_message ends in two spaces got HTTP "
                    f"{response.status_code}; order status now {after}")
        if response.status_code == 200 and after in {"declined", "failed"}:
            self.add(check_point, item, Status.PASS, evidence)
        else:
            self.add(check_point, item, Status.FAIL, evidence + "; expected 200 and a declined order",
                     "Verify the signature over the values exactly as received, without trimming them.")

    def phrases_on_back_end(self) -> None:
        check_point = "Request and Response Signature Calculations and validations"
        item = "4. SHA phrases used on the back end only"
        order = self.order(0)
        phrases = {"request": self.config["APS_SHA_REQUEST_PHRASE"], "response": self.config["APS_SHA_RESPONSE_PHRASE"]}
        leaked = sorted(kind for kind, phrase in phrases.items() if phrase and any(phrase in page for page in order.pages))
        if leaked:
            self.add(check_point, item, Status.FAIL, f"the SHA {' and '.join(leaked)} phrase appears in the pages sent to the browser",
                     "Compute signatures on the server; never put a SHA phrase in a page or a script.")
        else:
            self.add(check_point, item, Status.PASS,
                     f"neither SHA phrase appears in the {len(order.pages)} pages of the checkout (checkout form, "
                     "hand-over form); the form arrives signed from the server")

    def credentials_differ(self) -> None:
        check_point = "Request and Response Signature Calculations and validations"
        item = "sandbox and production credentials differ"
        sets = {"sandbox": self._credential_set("sandbox"), "production": self._credential_set("production")}
        missing = [name for name, values in sets.items() if values is None]
        if missing:
            names = ", ".join(f"APS_{account.upper()}_{name}" for account in missing for name in CREDENTIAL_NAMES)
            self.add(check_point, item, Status.NOT_APPLICABLE,
                     f"the {' and '.join(missing)} credentials are not configured; set {names} to compare the accounts")
            return
        same = [CREDENTIAL_LABELS[name] for name in CREDENTIAL_NAMES if sets["sandbox"][name] == sets["production"][name]]
        if same:
            self.add(check_point, item, Status.FAIL, f"the sandbox and production accounts share the {', '.join(same)}",
                     "Use the production account's own access code and SHA phrases.")
        else:
            self.add(check_point, item, Status.PASS,
                     "the access code and both SHA phrases differ between the sandbox and production accounts")

    def _credential_set(self, account: str) -> dict[str, str] | None:
        if self.environment == account:
            return {name: str(self.config.get(f"APS_{name}", "")) for name in CREDENTIAL_NAMES}
        values = {name: self.environ.get(f"APS_{account.upper()}_{name}", "") for name in CREDENTIAL_NAMES}
        return values if all(values.values()) else None

    def feedback_urls(self) -> None:
        base_url = str(self.config.get("SHOP_BASE_URL", ""))
        urls = [base_url + path for path in FEEDBACK_PATHS]
        host = host_of(base_url)
        item = "feedback URLs are real addresses"
        check_point = "Transaction Feedback Implementation"
        if _is_placeholder(host):
            self.add(check_point, item, Status.FAIL, f"{', '.join(urls)} use the placeholder domain {host}",
                     "Set SHOP_BASE_URL to the shop's real address and configure Direct Feedback and "
                     "Notification Feedback URLs with it in the APS back office.")
        elif self.environment != "simulator" and _is_local(host):
            self.add(check_point, item, Status.FAIL, f"{', '.join(urls)} point to {host}, which APS cannot reach",
                     "Set SHOP_BASE_URL to the shop's public https address.")
        else:
            self.add(check_point, item, Status.PASS,
                     f"Direct Feedback URL {urls[0]} and Notification Feedback URL {urls[1]} (from SHOP_BASE_URL; "
                     "enter the same in the APS back office under Technical settings)")

    def feedback_endpoints(self) -> None:
        answers = {path: self.probe.post(path, json_body={"merchant_reference": "CHECK-UNSIGNED"}).status_code
                   for path in FEEDBACK_PATHS}
        evidence = ", ".join(f"POST {path} without a signature: HTTP {status}" for path, status in answers.items())
        item = "feedback endpoints answer POST"
        if all(status == 400 for status in answers.values()):
            self.add("Transaction Feedback Implementation", item, Status.PASS,
                     evidence + " (both take POST and reject unsigned messages)")
        else:
            self.add("Transaction Feedback Implementation", item, Status.FAIL, evidence + "; expected 400 from both",
                     "Serve both feedback URLs as POST endpoints that verify the signature.")

    def command_chosen(self) -> None:
        command = self.environ.get("APS_COMMAND", "").strip().upper()
        check_point = "The command parameter value PURCHASE or AUTHORIZATION"
        item = "APS_COMMAND chosen explicitly"
        meaning = {
            "PURCHASE": "the amount is captured at once",
            "AUTHORIZATION": "the amount is held and must be captured later from the back office or the API",
        }
        if command in meaning:
            self.add(check_point, item, Status.PASS, f"APS_COMMAND={command} is set in the environment: {meaning[command]}")
        else:
            configured = self.config.get("APS_COMMAND", "PURCHASE")
            self.add(check_point, item, Status.FAIL,
                     f"APS_COMMAND is not set, so the shop uses its default {configured}",
                     "Choose PURCHASE (capture at once) or AUTHORIZATION (capture later) and set APS_COMMAND in .env.")

    # -- rows that depend on the payment methods or only a person can check ----------

    def static_rows(self) -> None:
        self.add("Different Inbound Server IP in Sandbox and Production", "", Status.NOT_APPLICABLE,
                 "not checkable from the shop: the servers that call paymentApi in production must not be the "
                 "sandbox's; confirm this for your hosting")
        self.branding("MADA", "mada", "SAR", "the mada branding document")
        self.branding("Amex", "amex", None, "American Express's branding guidelines")
        self.method_row("NAPS", "naps", "Follow QPAY's certification guidelines and UI best practices; "
                        "compare the NAPS screenshots with them")
        self.branding("BENEFIT", "benefit", "BHD", "BENEFIT's branding document", method="benefit")
        self.knet_receipt()

    def branding(self, check_point: str, mark: str, currency: str | None, guide: str, method: str = "card") -> None:
        from ..payments.methods import get_method

        if get_method(method) is None:
            self.add(check_point, "", Status.NOT_APPLICABLE, f"the shop does not offer {check_point}")
            return
        try:
            sku = self.probe.product_for(currency)
        except ProbeError:
            self.add(check_point, "", Status.NOT_APPLICABLE, f"no product is priced in {currency}")
            return
        try:
            _, html = self.probe.open_checkout(sku)
        except (ProbeError, requests.RequestException) as error:
            self.add(check_point, "", Status.FAIL, f"the checkout of {sku} could not be opened: {error}")
            return
        found = re.search(rf"<(?:img|svg|span)\b[^>]*\b{mark}\b[^>]*>", html, re.I)
        item = f"{check_point} mark on the checkout page"
        if found:
            self.add(check_point, item, Status.PASS,
                     f"the checkout of {sku} shows {found.group(0)[:120]}; compare it with {guide} by eye")
        else:
            self.add(check_point, item, Status.FAIL, f"the checkout of {sku} shows no {check_point} mark",
                     f"Show the {check_point} logo next to the payment option, following {guide}.")

    def method_row(self, check_point: str, method: str, guidance: str) -> None:
        from ..payments.methods import get_method

        if get_method(method) is None:
            self.add(check_point, "", Status.NOT_APPLICABLE, f"the shop does not offer {check_point}")
        else:
            self.add(check_point, "", Status.NOT_APPLICABLE, f"not checkable automatically. {guidance}")

    def knet_receipt(self) -> None:
        from ..payments.methods import get_method

        method = get_method("knet")
        check_point = "Knet"
        if method is None:
            self.add(check_point, "", Status.NOT_APPLICABLE, "the shop does not offer KNET")
            return
        template = _template_source(method.receipt_partial)
        required = ("knet_ref_number", "third_party_transaction_number")
        missing = [name for name in required if name not in template]
        item = "receipt shows knet_ref_number and third_party_transaction_number"
        if method.receipt_partial and not missing:
            self.add(check_point, item, Status.PASS,
                     f"{method.receipt_partial} shows {' and '.join(required)}; the shared receipt shows the amount "
                     "and the transaction date")
        else:
            self.add(check_point, item, Status.FAIL,
                     f"the KNET receipt partial {method.receipt_partial or '(none)'} lacks {', '.join(missing)}",
                     "Show both KNET references, the amount and the transaction date on the receipt.")


def _template_source(name: str | None) -> str:
    """Return the text of the shop template ``name``, or "" when there is none."""
    if not name:
        return ""
    path = TEMPLATES_DIR / name
    return path.read_text(encoding="utf-8") if path.is_file() else ""


@contextmanager
def quiet_shop_logs() -> Iterator[None]:
    """Show only the shop's errors while the checks run.

    The checks post unsigned and forged messages on purpose, and the shop's
    warnings about them would bury the report.
    """
    logger = logging.getLogger("shop")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def not_applicable(integration: str, reason: str) -> Line:
    return Line(integration, "All check points", "", Status.NOT_APPLICABLE, reason)


def integration_types() -> set[str]:
    """Return the integration types of the payment methods the shop registers."""
    from ..payments.methods import all_methods

    return {method.integration for method in all_methods()}


def run_checklist(config: Mapping[str, Any], base_url: str, *, started_here: bool = False,
                  environ: Mapping[str, str] | None = None) -> Report:
    """Check the shop at ``base_url``, whose settings are ``config``, against APS's verification tables.

    The payment methods come from this process's registry, so the shop's
    code must be imported (``create_app`` does it). ``environ`` defaults to
    ``os.environ`` and shows which settings were chosen explicitly.
    """
    environ = os.environ if environ is None else environ
    report = Report(str(config.get("APS_ACCOUNT_NAME") or "aps-storefront demo"), base_url,
                    str(config.get("APS_ENV", "simulator")), started_here)
    probe = ShopProbe(base_url)
    types = integration_types()

    # The hosted checks run whenever the card method exists, because the merchant page repeats
    # the results of the return, feedback and signature code that both share.
    hosted = HostedCheckoutChecks(probe, config, environ).run() if "redirection" in types else []
    if hosted:
        report.lines += hosted
    else:
        report.lines.append(not_applicable(HOSTED, "no payment method uses the hosted payment page"))

    if "merchant_page" in types:
        from .merchant_page import merchant_page_lines

        report.lines += merchant_page_lines(probe, config, environ, hosted)
    else:
        report.lines.append(not_applicable(MERCHANT_PAGE, "the shop has no merchant-page integration registered"))

    report.lines.append(not_applicable(PCI, "the shop never receives card numbers, so it needs no PCI certification"))
    report.lines.append(not_applicable(MOBILE, "this project has no mobile app"))
    from ..payments.methods import get_method

    if get_method("applepay") is None and get_method("apple_pay") is None:
        report.lines.append(not_applicable(APPLE_PAY, "the shop does not offer Apple Pay"))
    else:
        report.lines.append(not_applicable(APPLE_PAY, "not checked automatically yet: confirm mada and Amex among "
                                           "the supported networks, country code SA for mada and supports3DS"))
    report.lines.append(not_applicable(RECURRING, "the shop does not offer recurring payments"))
    return report
