"""APS client: signing, masking and paymentApi transport over real HTTP on 127.0.0.1."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from shop.aps import APSClient, Credentials, Endpoints, SignatureMismatchError, TransportError, compute_signature, masked

CREDENTIALS = Credentials("merchant01", "access01", "req-phrase", "res-phrase", "SHA-512")


class FakeAPI:
    """A local HTTP endpoint whose response each test chooses."""

    def __init__(self):
        self.requests = []
        self.answer = lambda body: (200, {})
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                api.requests.append(body)
                status, payload = api.answer(body)
                data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/FortAPI/paymentApi"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def api():
    fake = FakeAPI()
    yield fake
    fake.close()


def client_for(api, timeout=(2.0, 2.0)):
    return APSClient(CREDENTIALS, Endpoints("http://127.0.0.1:1/FortAPI/paymentPage", api.url), timeout=timeout)


def signed_answer(fields):
    return {**fields, "signature": compute_signature(fields, "res-phrase", "SHA-512")}


def test_sign_adds_merchant_fields_and_drops_empty():
    client = APSClient(CREDENTIALS, Endpoints("p", "a"))
    fields = client.sign({"command": "PURCHASE", "customer_name": "", "amount": "100"})
    assert "customer_name" not in fields
    assert fields["access_code"] == "access01"
    assert fields["merchant_identifier"] == "merchant01"
    unsigned = {k: v for k, v in fields.items() if k != "signature"}
    assert fields["signature"] == compute_signature(unsigned, "req-phrase", "SHA-512")


def test_tokenization_form_signature_ignores_card_fields():
    client = APSClient(CREDENTIALS, Endpoints("page", "api"))
    url, fields = client.tokenization_form({"merchant_reference": "R1", "language": "en"})
    assert url == "page"
    with_card = {**fields, "card_number": "4005550000000001", "card_security_code": "123", "expiry_date": "3012"}
    from shop.aps import TOKENIZATION_UNSIGNED_FIELDS, verify_signature

    assert verify_signature(with_card, "req-phrase", "SHA-512", TOKENIZATION_UNSIGNED_FIELDS)


def test_masked_hides_card_data():
    shown = masked({"card_number": "4005550000000001", "card_security_code": "123", "signature": "abc", "amount": "1"})
    assert shown["card_number"] == "400555******0001"
    assert shown["card_security_code"] == "***"
    assert shown["signature"] == "***"
    assert shown["amount"] == "1"


def test_call_returns_verified_answer(api):
    api.answer = lambda body: (200, signed_answer({"response_code": "12000", "merchant_reference": body["merchant_reference"]}))
    answer = client_for(api).call({"query_command": "CHECK_STATUS", "merchant_reference": "R1", "language": "en"})
    assert answer["response_code"] == "12000"
    sent = api.requests[0]
    assert sent["access_code"] == "access01"
    assert "signature" in sent


def test_call_rejects_bad_signature(api):
    api.answer = lambda body: (200, {"response_code": "12000", "signature": "0" * 128})
    with pytest.raises(SignatureMismatchError):
        client_for(api).call({"query_command": "CHECK_STATUS", "merchant_reference": "R1"})


def test_call_rejects_non_json(api):
    api.answer = lambda body: (502, b"<html>bad gateway</html>")
    with pytest.raises(TransportError, match="HTTP 502"):
        client_for(api).call({"query_command": "CHECK_STATUS", "merchant_reference": "R1"})


def test_call_times_out(api):
    def slow(body):
        time.sleep(1.5)
        return 200, {}

    api.answer = slow
    with pytest.raises(TransportError, match="timed out"):
        client_for(api, timeout=(1.0, 0.3)).call({"query_command": "CHECK_STATUS", "merchant_reference": "R1"})


def test_call_unreachable():
    client = APSClient(CREDENTIALS, Endpoints("p", "http://127.0.0.1:9/FortAPI/paymentApi"), timeout=(0.5, 0.5))
    with pytest.raises(TransportError):
        client.call({"query_command": "CHECK_STATUS", "merchant_reference": "R1"})


def test_logs_never_contain_secrets(api, caplog):
    api.answer = lambda body: (200, signed_answer({"response_code": "14000", "card_number": "400555******0001"}))
    caplog.set_level("INFO", logger="shop.aps")
    client_for(api).call({"command": "PURCHASE", "merchant_reference": "R1", "card_security_code": "987", "token_name": "t"})
    text = caplog.text
    assert "987" not in text
    assert "req-phrase" not in text
    assert "res-phrase" not in text
    assert "R1" in text
