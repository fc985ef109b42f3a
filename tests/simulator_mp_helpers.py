"""Helpers of the merchant-page, token, maintenance and installment simulator tests."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from simulator_helpers import ACCESS_CODE, MERCHANT_IDENTIFIER, RETURN_URL, api_call, new_reference, sign_request

VISA = "4005550000000001"
VISA_3DS = "4557012345678902"
AMEX = "345678901234564"
MADA = "5297412542005689"
DECLINE = "4000000000006660"
INSUFFICIENT_FUNDS = "4000000000000291"
PENDING = "4000000000007775"
FUTURE_EXPIRY = "3912"


def tokenization_request(**fields: Any) -> dict[str, Any]:
    """Return a Merchant Page 2.0 TOKENIZATION request with a Visa card, changed by ``fields``, unsigned.

    A field given as None is left out.
    """
    params = {
        "service_command": "TOKENIZATION",
        "access_code": ACCESS_CODE,
        "merchant_identifier": MERCHANT_IDENTIFIER,
        "merchant_reference": new_reference("MP"),
        "language": "en",
        "return_url": RETURN_URL,
        "card_number": VISA,
        "expiry_date": FUTURE_EXPIRY,
        "card_security_code": "123",
        "card_holder_name": "Test Shopper",
    }
    params.update(fields)
    return {name: value for name, value in params.items() if value is not None}


def query_fields(location: str) -> dict[str, str]:
    """Return the query-string fields of a redirect target, decoded as the merchant's server reads them."""
    return dict(parse_qsl(urlsplit(location).query, keep_blank_values=True))


def tokenize(client, **fields: Any) -> dict[str, str]:
    """Post a signed TOKENIZATION request and return the result fields the browser carries back by GET."""
    response = client.post("/FortAPI/paymentPage", data=sign_request(tokenization_request(**fields)))
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    location = response.headers["Location"]
    assert location.startswith(RETURN_URL + "?"), location
    return query_fields(location)


def new_token(client, number: str = VISA, cvv: str = "123", **fields: Any) -> str:
    """Tokenize a card and return its token_name."""
    result = tokenize(client, card_number=number, card_security_code=cvv, **fields)
    assert result["response_code"] == "18000", result
    return result["token_name"]


def payment_request(token_name: str, **fields: Any) -> dict[str, Any]:
    """Return an unsigned S2S PURCHASE with ``token_name`` and a CVV, changed by ``fields`` (None leaves one out)."""
    params = {
        "command": "PURCHASE",
        "access_code": ACCESS_CODE,
        "merchant_identifier": MERCHANT_IDENTIFIER,
        "merchant_reference": new_reference("PAY"),
        "amount": "10000",
        "currency": "SAR",
        "language": "en",
        "customer_email": "shopper@example.com",
        "customer_ip": "192.0.2.10",
        "token_name": token_name,
        "card_security_code": "123",
        "return_url": RETURN_URL,
    }
    params.update(fields)
    return {name: value for name, value in params.items() if value is not None}


def pay(client, token_name: str, **fields: Any) -> dict[str, Any]:
    """Send a signed token PURCHASE (or the command in ``fields``) and return the JSON response."""
    return api_call(client, payment_request(token_name, **fields))


def maintenance_request(command: str, merchant_reference: str, **fields: Any) -> dict[str, Any]:
    """Return an unsigned CAPTURE, REFUND or VOID_AUTHORIZATION request (None leaves a field out)."""
    params = {
        "command": command,
        "access_code": ACCESS_CODE,
        "merchant_identifier": MERCHANT_IDENTIFIER,
        "merchant_reference": merchant_reference,
        "language": "en",
    }
    params.update(fields)
    return {name: value for name, value in params.items() if value is not None}


def maintain(client, command: str, merchant_reference: str, **fields: Any) -> dict[str, Any]:
    """Send a signed maintenance request and return the JSON response."""
    return api_call(client, maintenance_request(command, merchant_reference, **fields))


@dataclass
class ReceivedRequest:
    """One request the browser receiver got."""

    method: str
    path: str
    fields: dict[str, str]


@dataclass
class BrowserReceiver:
    """Tiny HTTP server on 127.0.0.1 standing in for the shop's return_url: records GETs and POSTs, responds 200."""

    received: list[ReceivedRequest] = field(default_factory=list)

    def __post_init__(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def _record(self, method: str, body: str) -> None:
                parts = urlsplit(self.path)
                source = parts.query if method == "GET" else body
                receiver.received.append(ReceivedRequest(method, parts.path, dict(parse_qsl(source, keep_blank_values=True))))
                payload = b"received"
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def do_GET(self) -> None:  # noqa: N802 (http.server naming)
                self._record("GET", "")

            def do_POST(self) -> None:  # noqa: N802 (http.server naming)
                length = int(self.headers.get("Content-Length") or 0)
                self._record("POST", self.rfile.read(length).decode("utf-8"))

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def url(self, path: str = "/aps/return") -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def without(fields: Mapping[str, Any], *names: str) -> dict[str, Any]:
    """Return a copy of ``fields`` without ``names``."""
    return {name: value for name, value in fields.items() if name not in names}
