"""Simulator settings and the two ways to start it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from shop.simulator import SimulatorConfigError, create_app
from shop.simulator.settings import load_settings

ROOT = Path(__file__).resolve().parent.parent


def test_defaults_match_shop_demo_credentials():
    settings = load_settings(environ={})
    assert settings["SIMULATOR_MERCHANT_IDENTIFIER"] == "SIMmerchant01"
    assert settings["SIMULATOR_ACCESS_CODE"] == "SIMaccessCode0000001"
    assert settings["SIMULATOR_SHA_REQUEST_PHRASE"] == "sim-request-phrase"
    assert settings["SIMULATOR_SHA_RESPONSE_PHRASE"] == "sim-response-phrase"
    assert settings["SIMULATOR_SHA_TYPE"] == "SHA-256"
    assert settings["SIMULATOR_FEEDBACK_URL"] == "http://127.0.0.1:5000/aps/feedback"
    assert settings["SIMULATOR_NOTIFICATION_URL"] == "http://127.0.0.1:5000/aps/notification"
    assert settings["SIMULATOR_FEEDBACK_FORMAT"] == "json"
    assert settings["SIMULATOR_FEEDBACK_MODE"] == "async"
    assert settings["SIMULATOR_FEEDBACK_RETRIES"] == 10
    assert settings["SIMULATOR_FEEDBACK_RETRY_SECONDS"] == 10.0
    assert settings["SIMULATOR_DEFAULT_RETURN_URL"] == ""
    assert settings["SIMULATOR_PENDING_SETTLE_SECONDS"] == 5.0


def test_environment_read():
    settings = load_settings(environ={
        "SIMULATOR_SHA_TYPE": "hmac-512",
        "SIMULATOR_FEEDBACK_FORMAT": "FORM",
        "SIMULATOR_FEEDBACK_RETRIES": "3",
        "SIMULATOR_FEEDBACK_RETRY_SECONDS": "0.5",
        "SIMULATOR_FEEDBACK_MODE": "before_return",
    })
    assert settings["SIMULATOR_SHA_TYPE"] == "HMAC-512"
    assert settings["SIMULATOR_FEEDBACK_FORMAT"] == "form"
    assert settings["SIMULATOR_FEEDBACK_RETRIES"] == 3
    assert settings["SIMULATOR_FEEDBACK_RETRY_SECONDS"] == 0.5
    assert settings["SIMULATOR_FEEDBACK_MODE"] == "before_return"


def test_empty_url_variable_turns_feedback_off():
    settings = load_settings(environ={"SIMULATOR_FEEDBACK_URL": ""})
    assert settings["SIMULATOR_FEEDBACK_URL"] == ""


def test_overrides_win_over_environment():
    settings = load_settings({"SIMULATOR_FEEDBACK_RETRIES": 2}, environ={"SIMULATOR_FEEDBACK_RETRIES": "7"})
    assert settings["SIMULATOR_FEEDBACK_RETRIES"] == 2


@pytest.mark.parametrize(
    "name, value",
    [
        ("SIMULATOR_SHA_TYPE", "MD5"),
        ("SIMULATOR_FEEDBACK_FORMAT", "xml"),
        ("SIMULATOR_FEEDBACK_MODE", "sometimes"),
        ("SIMULATOR_FEEDBACK_RETRIES", "-1"),
        ("SIMULATOR_FEEDBACK_RETRY_SECONDS", "soon"),
        ("SIMULATOR_PENDING_SETTLE_SECONDS", "-2"),
        ("SIMULATOR_FEEDBACK_URL", "ftp://127.0.0.1/feedback"),
        ("SIMULATOR_DEFAULT_RETURN_URL", "/relative"),
    ],
)
def test_invalid_setting_names_variable(name, value):
    with pytest.raises(SimulatorConfigError, match=name):
        load_settings(environ={name: value})


def test_create_app_applies_overrides():
    app = create_app({"SIMULATOR_MERCHANT_NAME": "Test Store", "TESTING": True, "SIMULATOR_FEEDBACK_MODE": "off"})
    assert app.config["TESTING"] is True
    assert app.config["SIMULATOR_MERCHANT_NAME"] == "Test Store"


def test_index_lists_cards_in_both_languages():
    app = create_app({"TESTING": True, "SIMULATOR_FEEDBACK_MODE": "off", "SIMULATOR_PENDING_SETTLE_SECONDS": 5})
    client = app.test_client()
    english = client.get("/").get_data(as_text=True)
    arabic = client.get("/?language=ar").get_data(as_text=True)
    assert '<html lang="en" dir="ltr">' in english
    assert '<html lang="ar" dir="rtl">' in arabic
    for number in ("4005550000000001", "5297412542005689", "374200000000004", "4000000000007775"):
        assert number in english
        assert number in arabic
    # The card table comes before the local payment methods' table.
    assert english.split('id="local-methods"')[0].count("Simulator only") == 3
    assert arabic.split('id="local-methods"')[0].count("للمحاكي فقط") == 3
    assert "after 5 s a notification" in english
    assert "/FortAPI/paymentPage" in english


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _serve(command: list[str], port: int):
    env = {**os.environ, "SIMULATOR_FEEDBACK_MODE": "off", "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 20
    try:
        while True:
            try:
                response = requests.get(f"http://127.0.0.1:{port}/", timeout=1)
                return process, response
            except requests.ConnectionError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(process.stderr.read().decode()) from None
                time.sleep(0.1)
    except BaseException:
        process.kill()
        raise


def _stop(process) -> None:
    process.send_signal(signal.SIGINT)
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.mark.parametrize(
    "command",
    [
        [sys.executable, "-m", "flask", "--app", "shop.simulator:create_app()", "run", "--port", "{port}"],
        [sys.executable, "-m", "shop.simulator", "--host", "127.0.0.1", "--port", "{port}"],
    ],
    ids=["flask-run", "python-m"],
)
def test_starts_from_command_line(command):
    port = _free_port()
    process, response = _serve([part.format(port=port) for part in command], port)
    try:
        assert response.status_code == 200
        assert "APS sandbox simulator" in response.text
    finally:
        _stop(process)


def test_command_line_rejects_bad_setting():
    env = {**os.environ, "SIMULATOR_FEEDBACK_MODE": "sometimes", "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-m", "shop.simulator", "--port", "1"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 2
    assert "SIMULATOR_FEEDBACK_MODE" in result.stderr


def test_readme_lists_every_card():
    from shop.simulator.cards import TEST_CARDS

    readme = (ROOT / "shop" / "simulator" / "README.md").read_text(encoding="utf-8")
    for card in TEST_CARDS:
        assert f"| {card.number} |" in readme, card.number
