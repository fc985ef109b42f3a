"""Direct transaction feedback and notification feedback, delivered to a local HTTP receiver."""

from __future__ import annotations

import json

import pytest

from shop.aps import verify_signature
from shop.simulator.results import settle
from shop.simulator.state import get_state
from simulator_helpers import (
    RESPONSE_PHRASE,
    FeedbackReceiver,
    api_call,
    card_form,
    check_status_request,
    make_app,
    open_card_page,
    page_request,
    parse_return_form,
    pay_with_card,
    sign_request,
)


@pytest.fixture()
def receiver():
    server = FeedbackReceiver()
    yield server
    server.close()


def feedback_app(receiver, **overrides):
    settings = {
        "SIMULATOR_FEEDBACK_MODE": "async",
        "SIMULATOR_FEEDBACK_URL": receiver.url("/aps/feedback"),
        "SIMULATOR_NOTIFICATION_URL": receiver.url("/aps/notification"),
        "SIMULATOR_FEEDBACK_RETRIES": 3,
        "SIMULATOR_FEEDBACK_RETRY_SECONDS": 0.05,
    }
    settings.update(overrides)
    app = make_app(**settings)
    return app


@pytest.fixture()
def stop_apps():
    apps = []
    yield apps
    for app in apps:
        get_state(app).close()


def test_json_feedback_matches_browser_result(receiver, stop_apps):
    app = feedback_app(receiver)
    stop_apps.append(app)
    form = pay_with_card(app.test_client(), language="ar")
    post = receiver.wait_for(1)[0]
    assert post.path == "/aps/feedback"
    assert post.content_type.startswith("application/json")
    assert post.fields == form.fields
    assert post.fields["response_message"] == "عملية ناجحة"
    assert verify_signature(post.fields, RESPONSE_PHRASE)
    assert all(isinstance(value, str) for value in json.loads(post.body).values())


def test_form_feedback(receiver, stop_apps):
    app = feedback_app(receiver, SIMULATOR_FEEDBACK_FORMAT="form")
    stop_apps.append(app)
    form = pay_with_card(app.test_client(), order_description="Bob's order", language="ar")
    post = receiver.wait_for(1)[0]
    assert post.content_type == "application/x-www-form-urlencoded"
    assert post.fields == form.fields
    assert post.fields["order_description"] == "Bob&#39;s order"
    assert verify_signature(post.fields, RESPONSE_PHRASE)


def test_retries_until_2xx(receiver, stop_apps):
    receiver.statuses = [500, 503, 404]
    app = feedback_app(receiver)
    stop_apps.append(app)
    pay_with_card(app.test_client())
    posts = receiver.wait_for(4)
    assert len({post.fields["signature"] for post in posts}) == 1
    state = get_state(app)
    assert state.feedback.wait(10)
    delivery = state.feedback.deliveries[0]
    assert delivery.attempts == ["HTTP 500", "HTTP 503", "HTTP 404", "HTTP 200"]
    assert delivery.delivered


def test_302_stops_retries(receiver, stop_apps):
    receiver.statuses = [302]
    app = feedback_app(receiver)
    stop_apps.append(app)
    pay_with_card(app.test_client())
    state = get_state(app)
    assert state.feedback.wait(10)
    assert state.feedback.deliveries[0].attempts == ["HTTP 302"]
    assert len(receiver.received) == 1


def test_gives_up_after_retries(receiver, stop_apps):
    receiver.default_status = 500
    app = feedback_app(receiver, SIMULATOR_FEEDBACK_RETRIES=2)
    stop_apps.append(app)
    pay_with_card(app.test_client())
    state = get_state(app)
    assert state.feedback.wait(10)
    delivery = state.feedback.deliveries[0]
    assert delivery.attempts == ["HTTP 500"] * 3
    assert not delivery.delivered
    assert len(receiver.received) == 3


def test_unreachable_url_retried(receiver, stop_apps):
    closed = FeedbackReceiver()
    url = closed.url("/aps/feedback")
    closed.close()
    app = feedback_app(receiver, SIMULATOR_FEEDBACK_URL=url, SIMULATOR_FEEDBACK_RETRIES=1)
    stop_apps.append(app)
    pay_with_card(app.test_client())
    state = get_state(app)
    assert state.feedback.wait(10)
    attempts = state.feedback.deliveries[0].attempts
    assert len(attempts) == 2
    assert all(attempt.startswith("error:") for attempt in attempts)


def test_before_return_sends_first(receiver, stop_apps):
    app = feedback_app(receiver, SIMULATOR_FEEDBACK_MODE="before_return")
    stop_apps.append(app)
    pay_with_card(app.test_client())
    # No waiting: the POST must already have arrived when the return page was rendered.
    assert len(receiver.received) == 1
    assert receiver.received[0].fields["response_code"] == "14000"


def test_before_return_retries_in_background(receiver, stop_apps):
    receiver.statuses = [500]
    app = feedback_app(receiver, SIMULATOR_FEEDBACK_MODE="before_return")
    stop_apps.append(app)
    pay_with_card(app.test_client())
    assert len(receiver.received) >= 1
    state = get_state(app)
    assert state.feedback.wait(10)
    assert state.feedback.deliveries[0].attempts == ["HTTP 500", "HTTP 200"]


def test_off_sends_nothing(receiver, stop_apps):
    app = feedback_app(receiver, SIMULATOR_FEEDBACK_MODE="off")
    stop_apps.append(app)
    pay_with_card(app.test_client())
    assert get_state(app).feedback.deliveries == []
    assert receiver.received == []


def test_empty_feedback_url_sends_nothing(receiver, stop_apps):
    app = feedback_app(receiver, SIMULATOR_FEEDBACK_URL="")
    stop_apps.append(app)
    pay_with_card(app.test_client())
    assert get_state(app).feedback.deliveries == []


def test_rejected_request_sends_no_feedback(receiver, stop_apps):
    app = feedback_app(receiver)
    stop_apps.append(app)
    response = app.test_client().post("/FortAPI/paymentPage", data=sign_request(page_request(amount="0")))
    assert parse_return_form(response.data).fields["response_code"] == "00005"
    assert get_state(app).feedback.deliveries == []


@pytest.mark.parametrize("outcome_code", ["00072", "13666"])
def test_failures_send_feedback(receiver, stop_apps, outcome_code):
    app = feedback_app(receiver)
    stop_apps.append(app)
    client = app.test_client()
    if outcome_code == "00072":
        _, _, cancel, _ = open_card_page(client)
        client.post(cancel)
    else:
        pay_with_card(client, card_form(number="4000000000006660"))
    post = receiver.wait_for(1)[0]
    assert post.fields["response_code"] == outcome_code
    assert verify_signature(post.fields, RESPONSE_PHRASE)


def test_pending_card_settles_by_notification(receiver, stop_apps):
    app = feedback_app(receiver, SIMULATOR_PENDING_SETTLE_SECONDS=0.2)
    stop_apps.append(app)
    client = app.test_client()
    form = pay_with_card(client, card_form(number="4000000000007775"), language="ar")
    assert form.fields["response_code"] == "15777"

    posts = receiver.wait_for(2)
    by_path = {post.path: post.fields for post in posts}
    direct = by_path["/aps/feedback"]
    notification = by_path["/aps/notification"]
    assert direct["response_code"] == "15777"
    assert notification["response_code"] == "14000"
    assert notification["status"] == "14"
    assert notification["response_message"] == "عملية ناجحة"
    assert notification["fort_id"] == form.fields["fort_id"]
    assert notification["merchant_reference"] == form.fields["merchant_reference"]
    assert len(notification["authorization_code"]) == 6
    assert verify_signature(notification, RESPONSE_PHRASE)

    answer = api_call(client, check_status_request(merchant_reference=form.fields["merchant_reference"]))
    assert answer["transaction_code"] == "14000"
    assert answer["captured_amount"] == form.fields["amount"]


def test_pending_card_uncertain_until_settled(receiver, stop_apps):
    app = feedback_app(receiver, SIMULATOR_PENDING_SETTLE_SECONDS=3600)
    stop_apps.append(app)
    client = app.test_client()
    form = pay_with_card(client, card_form(number="4000000000007775"), command="AUTHORIZATION")
    reference = form.fields["merchant_reference"]

    answer = api_call(client, check_status_request(merchant_reference=reference))
    assert answer["transaction_code"] == "15777"
    assert answer["transaction_status"] == "15"

    state = get_state(app)
    for timer in state.timers:
        timer.cancel()
    settle(state, state.store.find(merchant_reference=reference), "02000")
    answer = api_call(client, check_status_request(merchant_reference=reference))
    assert answer["transaction_code"] == "02000"
    assert answer["authorized_amount"] == form.fields["amount"]
    assert answer["captured_amount"] == "0"
