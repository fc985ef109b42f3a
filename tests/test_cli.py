"""The `flask aps` commands."""

from __future__ import annotations

import json

from shop.extensions import db

VECTOR_PARAMS = {
    "command": "PURCHASE", "merchant_reference": "Test010", "amount": "1000",
    "access_code": "SILgpo7pWbmzuURp2qri", "merchant_identifier": "MxvOupuG",
    "currency": "USD", "language": "en", "customer_email": "test@gmail.com",
}


def test_signature_prints_string_and_signature(runner):
    result = runner.invoke(args=["aps", "signature", "-", "--phrase", "PASS", "--algorithm", "SHA-256"],
                           input=json.dumps(VECTOR_PARAMS))
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert lines[-1] == "94c38afc7bdae0114fc8c740edf12416f22998241ce4b4ea70d5521233a2c882"
    assert "****access_code=SILgpo7pWbmzuURp2qriamount=1000" in result.output
    assert "PASS" not in result.output


def test_signature_show_phrase(runner):
    result = runner.invoke(args=["aps", "signature", "--phrase", "PASS", "--show-phrase"], input=json.dumps(VECTOR_PARAMS))
    assert "string to sign: PASSaccess_code=" in result.output


def test_signature_tokenization_excludes_card_fields(runner):
    params = {"service_command": "TOKENIZATION", "language": "en", "merchant_identifier": "MxvOupuG",
              "access_code": "SILgpo7pWbmzuURp2qri", "merchant_reference": "MyReference0001",
              "card_security_code": "123", "card_number": "4005550000000001", "expiry_date": "2105",
              "remember_me": "YES", "card_holder_name": "John Smith"}
    result = runner.invoke(args=["aps", "signature", "--phrase", "PASS", "--tokenization"], input=json.dumps(params))
    assert result.output.strip().splitlines()[-1] == "7ee560ccd621da61bfc772f2f1b5849babda768f5ee36d4de67efa88403e4b99"
    assert "4005550000000001" not in result.output


def test_signature_reads_file_and_default_phrase(runner, tmp_path, app):
    path = tmp_path / "params.json"
    path.write_text(json.dumps({"a": "1"}), "utf-8")
    result = runner.invoke(args=["aps", "signature", str(path)])
    from shop.aps import compute_signature

    assert result.output.strip().splitlines()[-1] == compute_signature({"a": "1"}, app.config["APS_SHA_REQUEST_PHRASE"])


def test_signature_rejects_bad_json(runner):
    result = runner.invoke(args=["aps", "signature", "--phrase", "P"], input="{not json")
    assert result.exit_code != 0
    assert "not valid JSON" in result.output


def test_signature_rejects_non_object(runner):
    result = runner.invoke(args=["aps", "signature", "--phrase", "P"], input="[1, 2]")
    assert result.exit_code != 0
    assert "one JSON object" in result.output


def test_order_command_prints_attempts_and_events(app, client, runner):
    from test_callbacks import aps_message, place_order

    reference = place_order(app)
    client.post("/aps/feedback", json=aps_message(app, reference))
    result = runner.invoke(args=["aps", "order", reference])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["status"] == "paid"
    attempt = data["attempts"][0]
    assert attempt["merchant_reference"] == reference
    assert attempt["events"][0]["transport"] == "feedback"
    assert attempt["events"][0]["verdict"] == "accepted"
    assert attempt["events"][0]["params"]["response_code"] == "14000"

    by_number = runner.invoke(args=["aps", "order", data["number"]])
    assert json.loads(by_number.output)["number"] == data["number"]


def test_order_command_unknown_reference(runner):
    result = runner.invoke(args=["aps", "order", "NOPE-1"])
    assert result.exit_code == 1
    assert "No order or merchant_reference 'NOPE-1' found" in result.output
