"""Helpers shared by the simulator tests: signed requests, return-form parsing and a feedback receiver."""

from __future__ import annotations

import html
import json
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

from werkzeug.serving import make_server

from shop.aps import compute_signature
from shop.aps.signature import TOKENIZATION_UNSIGNED_FIELDS
from shop.config import SIMULATOR_CREDENTIALS
from shop.simulator import create_app
from shop.simulator.state import get_state

MERCHANT_IDENTIFIER = SIMULATOR_CREDENTIALS["APS_MERCHANT_IDENTIFIER"]
ACCESS_CODE = SIMULATOR_CREDENTIALS["APS_ACCESS_CODE"]
REQUEST_PHRASE = SIMULATOR_CREDENTIALS["APS_SHA_REQUEST_PHRASE"]
RESPONSE_PHRASE = SIMULATOR_CREDENTIALS["APS_SHA_RESPONSE_PHRASE"]
RETURN_URL = "http://127.0.0.1:5999/aps/return"

_references = iter(range(1, 10**9))


def new_reference(prefix: str = "T") -> str:
    """Return a merchant_reference no other test in this run uses."""
    return f"{prefix}-{next(_references):06d}"


def make_app(**overrides: Any):
    """Create a simulator app with feedback off unless the test turns it on."""
    settings = {"TESTING": True, "SIMULATOR_FEEDBACK_MODE": "off", "SIMULATOR_DEFAULT_RETURN_URL": ""}
    settings.update(overrides)
    return create_app(settings)


def sign_request(params: Mapping[str, Any], phrase: str = REQUEST_PHRASE, sha_type: str = "SHA-256") -> dict[str, Any]:
    """Add ``signature`` the way the shop signs: empty values and card fields of TOKENIZATION left out."""
    signed = dict(params)
    signed.pop("signature", None)
    exclude = TOKENIZATION_UNSIGNED_FIELDS if signed.get("service_command") == "TOKENIZATION" else ()
    signed["signature"] = compute_signature(signed, phrase, sha_type, exclude)
    return signed


def page_request(**fields: Any) -> dict[str, Any]:
    """Return the fields of a valid PURCHASE redirection request, changed by ``fields``, unsigned."""
    params = {
        "command": "PURCHASE",
        "access_code": ACCESS_CODE,
        "merchant_identifier": MERCHANT_IDENTIFIER,
        "merchant_reference": new_reference(),
        "amount": "10000",
        "currency": "SAR",
        "language": "en",
        "customer_email": "shopper@example.com",
        "return_url": RETURN_URL,
    }
    params.update(fields)
    return {name: value for name, value in params.items() if value is not None}


@dataclass
class ReturnForm:
    """The auto-submitting form the simulator sends the browser back with."""

    url: str
    fields: dict[str, str]


def parse_return_form(body: str | bytes) -> ReturnForm:
    """Read the action and hidden fields of a return form, decoded as a browser would submit them."""
    text = body.decode() if isinstance(body, bytes) else body
    match = re.search(r'<form id="aps-return" method="post" action="([^"]*)">', text)
    assert match, "the page is not a return form:\n" + text[:2000]
    fields = {
        html.unescape(name): html.unescape(value)
        for name, value in re.findall(r'<input type="hidden" name="([^"]*)" value="([^"]*)">', text)
    }
    return ReturnForm(html.unescape(match.group(1)), fields)


def card_page_actions(body: str | bytes) -> tuple[str, str]:
    """Return the pay and cancel URLs of a rendered card page."""
    text = body.decode() if isinstance(body, bytes) else body
    pay = re.search(r'action="(/sim/card/[^"]+/pay)"', text)
    cancel = re.search(r'formaction="(/sim/card/[^"]+/cancel)"', text)
    assert pay and cancel, "the page is not a card page:\n" + text[:2000]
    return pay.group(1), cancel.group(1)


def open_card_page(client, **fields: Any):
    """Post a signed request to paymentPage; return (response, pay URL, cancel URL, request fields)."""
    request = sign_request(page_request(**fields))
    response = client.post("/FortAPI/paymentPage", data=request)
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    pay, cancel = card_page_actions(response.data)
    return response, pay, cancel, request


def card_form(number: str = "4005550000000001", expiry: str = "12/39", cvv: str = "123", holder: str = "Test Shopper") -> dict[str, str]:
    """Return the fields a shopper types on the card page."""
    return {"card_number": number, "expiry": expiry, "card_security_code": cvv, "card_holder_name": holder}


def pay_with_card(client, card: Mapping[str, str] | None = None, **fields: Any) -> ReturnForm:
    """Run a hosted card payment without 3-D Secure and return the return form."""
    _, pay, _, _ = open_card_page(client, **fields)
    response = client.post(pay, data=dict(card or card_form()))
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    return parse_return_form(response.data)


def api_call(client, params: Mapping[str, Any], sign: bool = True) -> dict[str, Any]:
    """POST JSON to paymentApi and return the decoded response."""
    body = sign_request(params) if sign else dict(params)
    response = client.post("/FortAPI/paymentApi", json=body)
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    return response.get_json()


def check_status_request(**fields: Any) -> dict[str, Any]:
    """Return an unsigned CHECK_STATUS request changed by ``fields``."""
    params = {
        "query_command": "CHECK_STATUS",
        "access_code": ACCESS_CODE,
        "merchant_identifier": MERCHANT_IDENTIFIER,
        "language": "en",
    }
    params.update(fields)
    return {name: value for name, value in params.items() if value is not None}


@dataclass
class ReceivedPost:
    """One POST the feedback receiver got."""

    path: str
    content_type: str
    body: bytes
    fields: dict[str, str]


@dataclass
class FeedbackReceiver:
    """Tiny HTTP server on 127.0.0.1 that records POSTs and responds with scripted statuses.

    ``statuses`` are used in order, one per request. After they run out every
    response is ``default_status``.
    """

    statuses: list[int] = field(default_factory=list)
    default_status: int = 200
    received: list[ReceivedPost] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._condition = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server naming)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                content_type = self.headers.get("Content-Type", "")
                if content_type.startswith("application/json"):
                    fields = json.loads(body.decode("utf-8"))
                else:
                    fields = dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
                with receiver._condition:
                    status = receiver.statuses.pop(0) if receiver.statuses else receiver.default_status
                    receiver.received.append(ReceivedPost(self.path, content_type, body, fields))
                    receiver._condition.notify_all()
                self.send_response(status)
                if status == 302:
                    self.send_header("Location", "/elsewhere")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def wait_for(self, count: int, timeout: float = 10.0) -> list[ReceivedPost]:
        """Wait until ``count`` POSTs arrived; fail the test on timeout."""
        with self._condition:
            arrived = self._condition.wait_for(lambda: len(self.received) >= count, timeout)
            assert arrived, f"expected {count} POSTs, got {len(self.received)}"
            return list(self.received)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class ServedApp:
    """A Flask app served over real HTTP on 127.0.0.1 from a background thread."""

    def __init__(self, app) -> None:
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    def close(self) -> None:
        self.server.shutdown()
        get_state(self.app).close()
