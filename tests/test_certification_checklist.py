"""``flask aps checklist``: PASS on the shop as configured, FAIL on deliberately broken shops."""

from __future__ import annotations

import re

import pytest

from shop.certification import Status, run_checklist
from shop.certification.checks import HostedCheckoutChecks, _is_local, _is_placeholder

SIGNATURE = "Request and Response Signature Calculations and validations"
PROTOCOL_LINES = {
    "Detect Customer Email Address (customer_email is the shopper's address)",
    "Accept responses returned as POST FORMs (return_url is https)",
    "Accept responses returned as POST FORMs (return_url accepts POST)",
    f"{SIGNATURE} (1. empty parameters left out of the request signature)",
    f"{SIGNATURE} (2. response signature validated)",
    f"{SIGNATURE} (3. response used as received, trailing spaces kept)",
    f"{SIGNATURE} (4. SHA phrases used on the back end only)",
    "Transaction Feedback Implementation (feedback URLs are real addresses)",
    "Transaction Feedback Implementation (feedback endpoints answer POST)",
    "Amount Validation (a result with another amount is rejected)",
    "The command parameter value PURCHASE or AUTHORIZATION (APS_COMMAND chosen explicitly)",
}
ENVIRON = {"APS_COMMAND": "PURCHASE"}


def statuses(report) -> dict[str, Status]:
    return {line.label: line.status for line in report.lines if line.integration == "Hosted checkout"}


def line_for(report, label: str):
    return next(line for line in report.lines if line.label == label)


def text_statuses(output: str) -> dict[str, str]:
    """Parse ``STATUS  label: evidence`` lines of the text report."""
    found = {}
    for line in output.splitlines():
        match = re.match(r"  (PASS|FAIL|N/A)\s+(.+?\)|[^:(]+): ", line)
        if match:
            found[match.group(2)] = match.group(1)
    return found


# -- the shop as configured ----------------------------------------------------------


def test_default_shop_passes_every_protocol_check(stack):
    report = run_checklist(stack.shop_app.config, stack.shop_url, started_here=True, environ=ENVIRON)
    found = statuses(report)
    assert PROTOCOL_LINES <= found.keys()
    for label in PROTOCOL_LINES:
        assert found[label] == Status.PASS, line_for(report, label).evidence


def test_default_shop_evidence(stack):
    report = run_checklist(stack.shop_app.config, stack.shop_url, environ=ENVIRON)
    email = line_for(report, "Detect Customer Email Address (customer_email is the shopper's address)")
    assert "customer_email=first.shopper@aps-storefront.dev" in email.evidence
    assert "customer_email=second.shopper@aps-storefront.dev" in email.evidence
    forged = line_for(report, f"{SIGNATURE} (2. response signature validated)")
    assert "HTTP 400" in forged.evidence
    assert "payment_pending before, payment_pending after" in forged.evidence
    amount = line_for(report, "Amount Validation (a result with another amount is rejected)")
    assert "payment_pending before, payment_pending after" in amount.evidence


def test_other_integrations_not_applicable(stack):
    report = run_checklist(stack.shop_app.config, stack.shop_url, environ=ENVIRON)
    by_integration = {line.integration: line for line in report.lines if line.integration != "Hosted checkout"}
    for integration in ("Custom integration (PCI-certified merchant)", "Mobile integration", "Recurring payments"):
        assert by_integration[integration].status == Status.NOT_APPLICABLE
        assert by_integration[integration].evidence


def test_cli_prints_text_and_html(sqlite_app, stack):
    runner = sqlite_app.test_cli_runner()
    text = runner.invoke(args=["aps", "checklist", "--base-url", stack.shop_url])
    assert text.exception is None or isinstance(text.exception, SystemExit), text.output
    assert "APS go-live verification checklist" in text.output
    found = text_statuses(text.output)
    assert found["Amount Validation (a result with another amount is rejected)"] == "PASS"
    assert f"Summary: " in text.output
    assert text.exit_code == (1 if "FAIL" in found.values() else 0)

    html = runner.invoke(args=["aps", "checklist", "--base-url", stack.shop_url, "--format", "html"])
    assert html.output.startswith("<!doctype html>")
    assert "<table>" in html.output
    assert '<td class="status" style="color:#0a6b3d">PASS</td>' in html.output


def test_cli_starts_its_own_shop(sqlite_app):
    result = sqlite_app.test_cli_runner().invoke(args=["aps", "checklist"])
    assert "(started by this check)" in result.output
    assert text_statuses(result.output)["Amount Validation (a result with another amount is rejected)"] == "PASS"


# -- deliberately broken shops ------------------------------------------------------------


def test_shop_that_skips_response_signatures_fails(stack, monkeypatch):
    from shop.aps.client import APSClient

    monkeypatch.setattr(APSClient, "verify", lambda self, params: True)
    report = run_checklist(stack.shop_app.config, stack.shop_url, environ=ENVIRON)
    line = line_for(report, f"{SIGNATURE} (2. response signature validated)")
    assert line.status == Status.FAIL
    assert "HTTP 200" in line.evidence
    assert line.hint
    assert report.failed


def test_shop_that_accepts_unsigned_feedback_fails(stack, monkeypatch):
    from shop.payments import views
    from shop.payments.service import MessageResult

    # A stand-in handler that takes every message as valid.
    monkeypatch.setattr(views, "handle_aps_message", lambda *args, **kwargs: MessageResult(True, "accepted"))
    report = run_checklist(stack.shop_app.config, stack.shop_url, environ=ENVIRON)
    line = line_for(report, "Transaction Feedback Implementation (feedback endpoints answer POST)")
    assert line.status == Status.FAIL
    assert "POST /aps/feedback without a signature: HTTP 200" in line.evidence


def test_production_with_http_and_placeholder_url_fails(stack_factory):
    broken = stack_factory(shop_overrides={
        "APS_ENV": "production",
        "SHOP_BASE_URL": "http://shop.example.com",
        "SESSION_COOKIE_SECURE": False,
    })
    report = run_checklist(broken.shop_app.config, broken.shop_url, environ=ENVIRON)
    https = line_for(report, "Accept responses returned as POST FORMs (return_url is https)")
    assert https.status == Status.FAIL
    assert "return_url=http://shop.example.com/aps/return with APS_ENV=production" in https.evidence
    feedback = line_for(report, "Transaction Feedback Implementation (feedback URLs are real addresses)")
    assert feedback.status == Status.FAIL
    assert "placeholder domain shop.example.com" in feedback.evidence


def test_cli_exits_non_zero_on_a_broken_configuration(monkeypatch, tmp_path):
    from shop import create_app

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
                      "APS_ENV": "production", "SHOP_BASE_URL": "https://www.google.com"})
    result = app.test_cli_runner().invoke(args=["aps", "checklist"])
    assert result.exit_code == 1
    found = text_statuses(result.output)
    assert found["Transaction Feedback Implementation (feedback URLs are real addresses)"] == "FAIL"
    assert "placeholder domain www.google.com" in result.output


def test_command_left_to_the_default_fails(stack, monkeypatch):
    monkeypatch.delenv("APS_COMMAND", raising=False)
    report = run_checklist(stack.shop_app.config, stack.shop_url)
    line = line_for(report, "The command parameter value PURCHASE or AUTHORIZATION (APS_COMMAND chosen explicitly)")
    assert line.status == Status.FAIL
    assert "APS_COMMAND is not set" in line.evidence
    assert "APS_COMMAND" in line.hint


# -- settings only -----------------------------------------------------------------------


def _credential_line(config, environ):
    checks = HostedCheckoutChecks(probe=None, config=config, environ=environ)
    checks.credentials_differ()
    return checks.lines[0]


SANDBOX_CONFIG = {"APS_ENV": "sandbox", "APS_ACCESS_CODE": "sandboxCode", "APS_SHA_REQUEST_PHRASE": "sbIn",
                  "APS_SHA_RESPONSE_PHRASE": "sbOut"}


def test_same_credentials_in_sandbox_and_production_fail():
    environ = {"APS_PRODUCTION_ACCESS_CODE": "liveCode", "APS_PRODUCTION_SHA_REQUEST_PHRASE": "sbIn",
               "APS_PRODUCTION_SHA_RESPONSE_PHRASE": "liveOut"}
    line = _credential_line(SANDBOX_CONFIG, environ)
    assert line.status == Status.FAIL
    assert "share the SHA request phrase" in line.evidence
    assert "sbIn" not in line.evidence


def test_different_credentials_pass():
    environ = {"APS_PRODUCTION_ACCESS_CODE": "liveCode", "APS_PRODUCTION_SHA_REQUEST_PHRASE": "liveIn",
               "APS_PRODUCTION_SHA_RESPONSE_PHRASE": "liveOut"}
    assert _credential_line(SANDBOX_CONFIG, environ).status == Status.PASS


def test_credentials_of_one_account_only_are_not_applicable():
    line = _credential_line(SANDBOX_CONFIG, {})
    assert line.status == Status.NOT_APPLICABLE
    assert "APS_PRODUCTION_ACCESS_CODE" in line.evidence


@pytest.mark.parametrize(
    ("host", "placeholder"),
    [("apple.com", True), ("www.google.com", True), ("example.com", True), ("shop.example.sa", True),
     ("dates.com.sa", False), ("myexample.com", False)],
)
def test_placeholder_domains(host, placeholder):
    assert _is_placeholder(host) is placeholder


@pytest.mark.parametrize(("host", "local"), [("127.0.0.1", True), ("localhost", True), ("10.0.0.5", True),
                                             ("shop.dates.sa", False), ("5.5.5.5", False)])
def test_local_hosts(host, local):
    assert _is_local(host) is local
