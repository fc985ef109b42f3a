"""APS response codes and what they mean for an order.

``response_code`` is five digits: the two-digit ``status`` followed by a
three-digit message code. ``00008`` is status 00 (invalid request) with
message 008 (signature mismatch). Tables follow the APS "Transaction codes"
documentation and the codes the official plugins branch on.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass


class Outcome(enum.StrEnum):
    """Meaning of an APS response for the payment it concerns."""

    PAID = "paid"
    AUTHORIZED = "authorized"
    THREE_DS_REQUIRED = "3ds_required"
    PENDING = "pending"
    ON_HOLD = "on_hold"
    DECLINED = "declined"
    CANCELLED = "cancelled"
    INVALID_REQUEST = "invalid_request"
    CAPTURED = "captured"
    REFUNDED = "refunded"
    VOIDED = "voided"
    TOKENIZED = "tokenized"
    TOKEN_UPDATED = "token_updated"
    OTP_SENT = "otp_sent"
    PLANS_RETURNED = "plans_returned"
    CHECK_STATUS_OK = "check_status_ok"
    NOT_FOUND = "not_found"
    FAILED = "failed"


STATUS_MEANINGS: dict[str, str] = {
    "00": "Invalid request",
    "01": "Order stored",
    "02": "Authorization success",
    "03": "Authorization failed",
    "04": "Capture success",
    "05": "Capture failed",
    "06": "Refund success",
    "07": "Refund failed",
    "08": "Authorization voided successfully",
    "09": "Authorization void failed",
    "10": "Incomplete",
    "11": "Check status failed",
    "12": "Check status success",
    "13": "Purchase failure",
    "14": "Purchase success",
    "15": "Uncertain transaction",
    "17": "Tokenization failed",
    "18": "Tokenization success",
    "19": "Transaction pending",
    "20": "On hold",
    "21": "SDK token creation failure",
    "22": "SDK token creation success",
    "23": "Failed to process digital wallet service",
    "24": "Digital wallet order processed successfully",
    "40": "Transaction in review",
    "44": "3-D Secure check success",
    "45": "3-D Secure check failed",
    "52": "Token created successfully",
    "53": "Token creation failed",
    "58": "Token updated successfully",
    "59": "Token update failed",
    "62": "Get installment plans successfully",
    "63": "Get installment plans failed",
    "88": "OTP generated successfully",
    "89": "OTP generation failed",
}

MESSAGE_MEANINGS: dict[str, str] = {
    "000": "Success.",
    "001": "Missing parameter.",
    "002": "Invalid parameter format.",
    "003": "Payment option is not available for this merchant's account.",
    "004": "Invalid command.",
    "005": "Invalid amount.",
    "006": "Technical problem.",
    "007": "Duplicate order number.",
    "008": "Signature mismatch.",
    "009": "Invalid merchant identifier.",
    "010": "Invalid access code.",
    "011": "Order not saved.",
    "012": "Card expired.",
    "013": "Invalid currency.",
    "014": "Inactive payment option.",
    "015": "Inactive merchant account.",
    "016": "Invalid card number.",
    "017": "Operation not allowed by the acquirer.",
    "018": "Operation not allowed by processor.",
    "019": "Inactive acquirer.",
    "020": "Processor is inactive.",
    "021": "Payment option deactivated by acquirer.",
    "023": "Currency not accepted by acquirer.",
    "024": "Currency not accepted by processor.",
    "025": "Processor integration settings are missing.",
    "026": "Acquirer integration settings are missing.",
    "027": "Invalid extra parameters.",
    "029": "Insufficient funds.",
    "030": "Authentication failed.",
    "031": "Invalid issuer.",
    "032": "Invalid parameter length.",
    "033": "Parameter value not allowed.",
    "034": "Operation not allowed.",
    "035": "Order created successfully.",
    "036": "Order not found.",
    "037": "Missing return URL.",
    "038": "Token service inactive.",
    "039": "No active payment option found.",
    "040": "Invalid transaction source.",
    "042": "Operation amount exceeds the authorized amount.",
    "043": "Inactive operation.",
    "044": "Token name does not exist.",
    "046": "Channel is not configured for the selected payment option.",
    "047": "Order already processed.",
    "048": "Operation amount exceeds captured amount.",
    "049": "Operation not valid for this payment option.",
    "050": "Merchant per transaction limit exceeded.",
    "051": "Technical error.",
    "062": "Token has been created.",
    "063": "Token has been updated.",
    "064": "3-D Secure check requested.",
    "065": "Transaction waiting for customer's action.",
    "066": "Merchant reference already exists.",
    "072": "Transaction cancelled by consumer.",
    "073": "Invalid request format.",
    "074": "Transaction failed.",
    "075": "Transaction failed.",
    "079": "Transaction challenged by fraud rules.",
    "080": "Invalid payment option.",
    "083": "Unexpected user behaviour.",
    "084": "Transaction amount is either bigger than maximum or less than minimum amount accepted for the selected plan.",
    "086": "Installment plan is not configured for merchant account.",
    "087": "Card BIN does not match accepted issuer bank.",
    "090": "Transaction in review.",
    "092": "Invalid issuer code.",
    "094": "Invalid plan code.",
    "100": "Invalid expiry date.",
    "102": "Apple Pay order has been expired.",
    "114": "Token already exists.",
    "662": "Operation not allowed. The specified order is not confirmed yet.",
    "666": "Transaction declined.",
    "746": "Purchase amount is over the customer's limit.",
    "747": "Insufficient wallet balance.",
    "748": "OTP request and purchase parameters do not match.",
    "773": "Transaction closed.",
    "777": "The transaction has been processed, but failed to receive confirmation.",
    "778": "Session timed-out.",
    "783": "Installments service inactive.",
    "784": "Transaction still processing you can't make another transaction.",
    "785": "Transaction blocked by fraud check.",
    "787": "Failed to authenticate the user.",
    "983": "Please wait at least 60 seconds between OTP requests.",
}

# Codes that mean "APS could not tell yet": keep the order open and ask
# CHECK_STATUS later (the official WooCommerce, Magento 2 and OpenCart
# plugins put such orders on hold).
ON_HOLD_CODES = frozenset(
    {"15777", "15778", "15779", "15780", "15781"}
    | {f"{status}006" for status in ("00", "01", "02", "03", "04", "05", "06", "07", "08", "09", "11", "13", "17")}
)

# Statuses that end a payment attempt with a refusal by the issuer, acquirer or APS.
_DECLINE_STATUSES = frozenset({"03", "13", "17", "23", "45"})

_SUCCESS_OUTCOMES: dict[str, Outcome] = {
    "14000": Outcome.PAID,
    "02000": Outcome.AUTHORIZED,
    "04000": Outcome.CAPTURED,
    "06000": Outcome.REFUNDED,
    "08000": Outcome.VOIDED,
    "18000": Outcome.TOKENIZED,
    "18062": Outcome.TOKENIZED,
    "18063": Outcome.TOKENIZED,
    "52062": Outcome.TOKENIZED,
    "58000": Outcome.TOKEN_UPDATED,
    "62000": Outcome.PLANS_RETURNED,
    "88000": Outcome.OTP_SENT,
    "12000": Outcome.CHECK_STATUS_OK,
    "20064": Outcome.THREE_DS_REQUIRED,
}


@dataclass(frozen=True)
class Interpretation:
    """An APS response code read for people and for the order state machine."""

    response_code: str
    status: str
    message_code: str
    outcome: Outcome
    description: str

    @property
    def is_final(self) -> bool:
        """True when no later message from APS is expected to change the outcome."""
        return self.outcome not in {Outcome.PENDING, Outcome.ON_HOLD, Outcome.THREE_DS_REQUIRED}


def describe(response_code: str) -> str:
    """Return the documented meaning of a response code, status part first."""
    status, message = response_code[:2], response_code[2:]
    status_text = STATUS_MEANINGS.get(status, f"status {status}")
    message_text = MESSAGE_MEANINGS.get(message, f"message {message}")
    return f"{status_text}: {message_text}"


def interpret(response_code: str, status: str | None = None) -> Interpretation:
    """Map an APS ``response_code`` to an ``Outcome``.

    ``status`` is the separate ``status`` field; when it is missing the first
    two digits of the code are used. A malformed code reads as an invalid
    request so that it never counts as a payment.
    """
    code = str(response_code or "")
    if len(code) != 5 or not code.isascii() or not code.isdigit():
        return Interpretation(code, status or "", "", Outcome.INVALID_REQUEST, f"malformed response_code {code!r}")

    status = status or code[:2]
    message = code[2:]
    description = describe(code)

    if code in _SUCCESS_OUTCOMES:
        outcome = _SUCCESS_OUTCOMES[code]
    elif message == "072":
        outcome = Outcome.CANCELLED
    elif code in ON_HOLD_CODES or status in {"15", "20", "40"} or message in {"090", "777", "784"}:
        outcome = Outcome.ON_HOLD
    elif status in {"19", "10"} or message in {"065", "662"}:
        outcome = Outcome.PENDING
    elif status == "00":
        outcome = Outcome.INVALID_REQUEST
    elif status in _DECLINE_STATUSES:
        outcome = Outcome.DECLINED
    elif code == "12036" or message == "036":
        outcome = Outcome.NOT_FOUND
    else:
        outcome = Outcome.FAILED
    return Interpretation(code, status, message, outcome, description)


def interpret_response(params: Mapping[str, object]) -> Interpretation:
    """Interpret an APS message, reading CHECK_STATUS responses by ``transaction_code``.

    A CHECK_STATUS response has ``response_code`` 12000 for the query itself and
    carries the payment's own code in ``transaction_code``.
    """
    response_code = str(params.get("response_code", ""))
    if params.get("query_command") == "CHECK_STATUS" and response_code == "12000":
        transaction_code = str(params.get("transaction_code", ""))
        transaction_status = params.get("transaction_status")
        return interpret(transaction_code, str(transaction_status) if transaction_status else None)
    status = params.get("status")
    return interpret(response_code, str(status) if status else None)
