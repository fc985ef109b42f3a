"""Test switches: dropped browser return, delayed or failing feedback, paymentApi HTTP 500 and timeout."""

from __future__ import annotations

import time

import pytest
import requests

from shop.aps import APSClient, Credentials, TransportError, endpoints_for, verify_signature
from shop.simulator import SimulatorConfigError
from shop.simulator.state import get_state
from simulator_helpers import (
    ACCESS_CODE,
    MERCHANT_IDENTIFIER,
    REQUEST_PHRASE,
    RESPONSE_PHRASE,
    FeedbackReceiver,
    ServedApp,
    api_call,
    card_form,
    check_status_request,
    make_app,
    open_card_page,
    sign_request,
)
from simulator_mp_helpers import maintenance_request, new_token, pay, tokenization_request


@pytest.fixture()
def receiver():
    server = FeedbackReceiver()
    yield server
    server.close()


@pytest.fixture()
def apps():
    started = []
    yield started
    for app in started:
        get_state(app).close()


def feedback_app(apps, receiver, **overrides):
    settings = {
        "SIMULATOR_FEEDBACK_MODE": "async",
        "SIMULATOR_FEEDBACK_URL": receiver.url("/aps/feedback"),
        "SIMULATOR_NOTIFICATION_URL": receiver.url("/aps/notification"),
        "SIMULATOR_FEEDBACK_RETRIES": 2,
        "SIMULATOR_FEEDBACK_RETRY_SECONDS": 0.05,
    }
    settings.update(overrides)
    app = make_app(**settings)
    apps.append(app)
    return app


def shop_client(base_url, read_timeout=5.0):
    credentials = Credentials(MERCHANT_IDENTIFIER, ACCESS_CODE, REQUEST_PHRASE, RESPONSE_PHRASE)
    return APSClient(credentials, endpoints_for("simulator", base_url), timeout=(2.0, read_timeout))


def authorized_reference(client):
    answer = pay(client, new_token(client), command="AUTHORIZATION")
    assert answer["response_code"] == "02000"
    return answer["merchant_reference"]


# Dropped browser return


def test_drop_return_keeps_shopper_on_simulator(apps, receiver):
    app = feedback_app(apps, receiver, SIMULATOR_DROP_RETURN="1")
    client = app.test_client()
    _, pay_url, _, request = open_card_page(client)
    response = client.post(pay_url, data=card_form())
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Result not sent back to the merchant" in body
    assert 'id="aps-return"' not in body
    assert request["merchant_reference"] in body
    post = receiver.wait_for(1)[0]
    assert post.fields["response_code"] == "14000"
    assert post.fields["merchant_reference"] == request["merchant_reference"]


def test_drop_return_of_tokenization(apps, receiver):
    app = feedback_app(apps, receiver, SIMULATOR_DROP_RETURN=True)
    served = ServedApp(app)
    try:
        response = requests.post(served.base_url + "/FortAPI/paymentPage",
                                 data=sign_request(tokenization_request(language="ar")), allow_redirects=False, timeout=10)
    finally:
        served.close()
    assert response.status_code == 200
    assert "لم تُرسَل النتيجة إلى التاجر" in response.text
    assert "Location" not in response.headers


# Feedback delay and failures


def test_feedback_delay(apps, receiver):
    app = feedback_app(apps, receiver, SIMULATOR_FEEDBACK_DELAY_SECONDS=0.5)
    client = app.test_client()
    started = time.monotonic()
    answer = pay(client, new_token(client))
    post = receiver.wait_for(1)[0]
    assert time.monotonic() - started >= 0.5
    assert post.fields == answer


def test_feedback_delay_in_before_return_mode(apps, receiver):
    app = feedback_app(apps, receiver, SIMULATOR_FEEDBACK_MODE="before_return", SIMULATOR_FEEDBACK_DELAY_SECONDS=0.3)
    client = app.test_client()
    started = time.monotonic()
    answer = pay(client, new_token(client))
    assert receiver.wait_for(1)[0].fields == answer
    assert time.monotonic() - started >= 0.3


def test_feedback_drop(apps, receiver):
    app = feedback_app(apps, receiver, SIMULATOR_FEEDBACK_FAILURE="drop")
    client = app.test_client()
    pay(client, new_token(client))
    state = get_state(app)
    assert state.feedback.wait(5)
    assert receiver.received == []
    delivery = state.feedback.recent(1)[0]
    assert delivery.attempts == ["dropped: SIMULATOR_FEEDBACK_FAILURE=drop"]
    assert not delivery.delivered


def test_feedback_error_retries_then_stops(apps, receiver):
    app = feedback_app(apps, receiver, SIMULATOR_FEEDBACK_FAILURE="error")
    client = app.test_client()
    pay(client, new_token(client))
    state = get_state(app)
    assert state.feedback.wait(5)
    assert receiver.received == []
    delivery = state.feedback.recent(1)[0]
    assert delivery.attempts == ["error: SIMULATOR_FEEDBACK_FAILURE=error"] * 3
    assert not delivery.delivered


def test_feedback_bad_signature(apps, receiver):
    app = feedback_app(apps, receiver, SIMULATOR_FEEDBACK_FAILURE="bad_signature")
    client = app.test_client()
    answer = pay(client, new_token(client))
    post = receiver.wait_for(1)[0]
    assert {name: value for name, value in post.fields.items() if name != "signature"} == \
        {name: value for name, value in answer.items() if name != "signature"}
    assert verify_signature(answer, RESPONSE_PHRASE)
    assert not verify_signature(post.fields, RESPONSE_PHRASE)


def test_notification_follows_switches(apps, receiver):
    app = feedback_app(apps, receiver, SIMULATOR_FEEDBACK_URL="", SIMULATOR_FEEDBACK_FAILURE="drop")
    client = app.test_client()
    reference = authorized_reference(client)
    assert api_call(client, maintenance_request("VOID_AUTHORIZATION", reference))["response_code"] == "08000"
    assert get_state(app).feedback.wait(5)
    assert receiver.received == []


# paymentApi faults


def test_api_http_500_runs_nothing(apps):
    app = make_app(SIMULATOR_API_FAULT="http_500", SIMULATOR_API_FAULT_COMMANDS="CAPTURE")
    apps.append(app)
    client = app.test_client()
    reference = authorized_reference(client)
    served = ServedApp(app)
    try:
        shop = shop_client(served.base_url)
        with pytest.raises(TransportError, match="HTTP 500"):
            shop.call({"command": "CAPTURE", "merchant_reference": reference, "amount": "10000", "currency": "SAR", "language": "en"})
        status = shop.call({"query_command": "CHECK_STATUS", "merchant_reference": reference, "language": "en"})
    finally:
        served.close()
    assert status["captured_amount"] == "0"
    assert status["transaction_code"] == "02000"


def test_api_timeout_runs_the_command(apps):
    app = make_app(SIMULATOR_API_FAULT="timeout", SIMULATOR_API_FAULT_COMMANDS="CAPTURE", SIMULATOR_API_TIMEOUT_SECONDS=1.0)
    apps.append(app)
    client = app.test_client()
    reference = authorized_reference(client)
    served = ServedApp(app)
    try:
        with pytest.raises(TransportError, match="timed out"):
            shop_client(served.base_url, read_timeout=0.3).call(
                {"command": "CAPTURE", "merchant_reference": reference, "amount": "10000", "currency": "SAR", "language": "en"}
            )
        status = shop_client(served.base_url).call({"query_command": "CHECK_STATUS", "merchant_reference": reference, "language": "en"})
    finally:
        served.close()
    assert status["transaction_code"] == "04000"
    assert status["captured_amount"] == "10000"


def test_api_fault_for_every_command(apps):
    app = make_app(SIMULATOR_API_FAULT="http_500")
    apps.append(app)
    response = app.test_client().post("/FortAPI/paymentApi", json=sign_request(check_status_request(merchant_reference="X")))
    assert response.status_code == 500


# The switches page


def test_switches_page_changes_switches(apps):
    app = make_app()
    apps.append(app)
    client = app.test_client()
    page = client.get("/sim/switches")
    assert page.status_code == 200
    assert "Test switches" in page.get_data(as_text=True)
    response = client.post("/sim/switches", data={
        "language": "en", "drop_return": "1", "feedback_delay_seconds": "2.5", "feedback_failure": "bad_signature",
        "api_fault": "timeout", "api_fault_commands": "capture, refund", "api_timeout_seconds": "40",
    })
    assert response.status_code == 303
    switches = get_state(app).switches
    assert switches.drop_return is True
    assert switches.feedback_delay_seconds == 2.5
    assert switches.feedback_failure == "bad_signature"
    assert switches.api_fault == "timeout"
    assert switches.api_fault_commands == frozenset({"CAPTURE", "REFUND"})
    assert switches.api_timeout_seconds == 40.0
    assert switches.api_fault_for("CAPTURE") == "timeout"
    assert switches.api_fault_for("CHECK_STATUS") == "none"

    _, pay_url, _, _ = open_card_page(client)
    assert "Result not sent back to the merchant" in client.post(pay_url, data=card_form()).get_data(as_text=True)

    client.post("/sim/switches", data={"feedback_delay_seconds": "0", "feedback_failure": "none",
                                       "api_fault": "none", "api_fault_commands": "", "api_timeout_seconds": "35"})
    assert get_state(app).switches.drop_return is False


def test_switches_page_rejects_bad_value(apps):
    app = make_app()
    apps.append(app)
    response = app.test_client().post("/sim/switches", data={
        "feedback_delay_seconds": "soon", "feedback_failure": "none", "api_fault": "none",
        "api_fault_commands": "", "api_timeout_seconds": "35",
    })
    assert response.status_code == 400
    assert "SIMULATOR_FEEDBACK_DELAY_SECONDS" in response.get_data(as_text=True)
    assert get_state(app).switches.feedback_delay_seconds == 0.0


def test_switches_page_arabic(apps):
    app = make_app()
    apps.append(app)
    body = app.test_client().get("/sim/switches?language=ar").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in body
    assert "مفاتيح الاختبار" in body


@pytest.mark.parametrize(
    "name, value",
    [("SIMULATOR_API_FAULT", "crash"), ("SIMULATOR_FEEDBACK_FAILURE", "sometimes"),
     ("SIMULATOR_DROP_RETURN", "maybe"), ("SIMULATOR_API_FAULT_COMMANDS", "CAPTURE;1")],
)
def test_invalid_switch_setting(name, value):
    with pytest.raises(SimulatorConfigError, match=name):
        make_app(**{name: value})


def test_switch_from_environment(monkeypatch):
    monkeypatch.setenv("SIMULATOR_DROP_RETURN", "yes")
    monkeypatch.setenv("SIMULATOR_API_FAULT_COMMANDS", "refund")
    app = make_app()
    switches = get_state(app).switches
    assert switches.drop_return is True
    assert switches.api_fault_commands == frozenset({"REFUND"})

