"""Response-code interpretation."""

import pytest

from shop.aps import Outcome, describe, interpret, interpret_response


@pytest.mark.parametrize(
    ("code", "outcome"),
    [
        ("14000", Outcome.PAID),
        ("02000", Outcome.AUTHORIZED),
        ("20064", Outcome.THREE_DS_REQUIRED),
        ("19065", Outcome.PENDING),
        ("15777", Outcome.ON_HOLD),
        ("13006", Outcome.ON_HOLD),
        ("00006", Outcome.ON_HOLD),
        ("20000", Outcome.ON_HOLD),
        ("13666", Outcome.DECLINED),
        ("13030", Outcome.DECLINED),
        ("03029", Outcome.DECLINED),
        ("00072", Outcome.CANCELLED),
        ("01072", Outcome.CANCELLED),
        ("13072", Outcome.CANCELLED),
        ("00008", Outcome.INVALID_REQUEST),
        ("00049", Outcome.INVALID_REQUEST),
        ("04000", Outcome.CAPTURED),
        ("06000", Outcome.REFUNDED),
        ("08000", Outcome.VOIDED),
        ("18000", Outcome.TOKENIZED),
        ("58000", Outcome.TOKEN_UPDATED),
        ("62000", Outcome.PLANS_RETURNED),
        ("88000", Outcome.OTP_SENT),
        ("12036", Outcome.NOT_FOUND),
        ("05042", Outcome.FAILED),
        ("07048", Outcome.FAILED),
    ],
)
def test_interpret(code, outcome):
    assert interpret(code).outcome == outcome


@pytest.mark.parametrize("code", ["", "1400", "140000", "ABCDE", None, "١٤٠٠٠"])
def test_malformed_code_is_invalid_request(code):
    assert interpret(code).outcome == Outcome.INVALID_REQUEST


def test_final_flag():
    assert interpret("14000").is_final
    assert interpret("13666").is_final
    assert not interpret("15777").is_final
    assert not interpret("20064").is_final


def test_describe_combines_status_and_message():
    assert describe("00008") == "Invalid request: Signature mismatch."
    assert describe("13666") == "Purchase failure: Transaction declined."


def test_check_status_read_from_transaction_code():
    answer = {"query_command": "CHECK_STATUS", "response_code": "12000", "status": "12",
              "transaction_code": "14000", "transaction_status": "14"}
    assert interpret_response(answer).outcome == Outcome.PAID
    declined = dict(answer, transaction_code="13666", transaction_status="13")
    assert interpret_response(declined).outcome == Outcome.DECLINED


def test_check_status_unknown_order():
    answer = {"query_command": "CHECK_STATUS", "response_code": "12036", "status": "12"}
    assert interpret_response(answer).outcome == Outcome.NOT_FOUND


def test_plain_message_uses_response_code():
    assert interpret_response({"response_code": "14000", "status": "14"}).outcome == Outcome.PAID
