"""Start-up settings checks."""

import pytest

from shop.config import ConfigError, load_settings

REAL_CREDENTIALS = {
    "APS_MERCHANT_IDENTIFIER": "merchant01",
    "APS_ACCESS_CODE": "access0000000000001",
    "APS_SHA_REQUEST_PHRASE": "req",
    "APS_SHA_RESPONSE_PHRASE": "res",
    "SECRET_KEY": "s" * 32,
}


def test_simulator_defaults():
    settings = load_settings({})
    assert settings["APS_ENV"] == "simulator"
    assert settings["APS_PAYMENT_PAGE_URL"] == "http://127.0.0.1:5050/FortAPI/paymentPage"
    assert settings["APS_PAYMENT_API_URL"] == "http://127.0.0.1:5050/FortAPI/paymentApi"
    assert settings["SHOP_BASE_URL"] == "http://127.0.0.1:5000"
    assert settings["APS_SHA_TYPE"] == "SHA-256"
    assert settings["APS_COMMAND"] == "PURCHASE"


def test_ports_from_environment():
    settings = load_settings({"SHOP_PORT": "8001", "SIMULATOR_PORT": "8002"})
    assert settings["SHOP_BASE_URL"] == "http://127.0.0.1:8001"
    assert settings["APS_PAYMENT_PAGE_URL"].startswith("http://127.0.0.1:8002/")


def test_sandbox_endpoints():
    settings = load_settings({"APS_ENV": "sandbox", **REAL_CREDENTIALS})
    assert settings["APS_PAYMENT_PAGE_URL"] == "https://sbcheckout.payfort.com/FortAPI/paymentPage"
    assert settings["APS_PAYMENT_API_URL"] == "https://sbpaymentservices.payfort.com/FortAPI/paymentApi"


def test_production_endpoints():
    settings = load_settings({"APS_ENV": "production", "SHOP_BASE_URL": "https://shop.example.sa", **REAL_CREDENTIALS})
    assert settings["APS_PAYMENT_PAGE_URL"] == "https://checkout.payfort.com/FortAPI/paymentPage"


@pytest.mark.parametrize("sha_type", ["HMAC-256", "hmac-512", "SHA-512"])
def test_sha_types_accepted(sha_type):
    assert load_settings({"APS_SHA_TYPE": sha_type})["APS_SHA_TYPE"] == sha_type.upper()


@pytest.mark.parametrize(
    ("environ", "variable"),
    [
        ({"APS_SHA_TYPE": "SHA-128"}, "APS_SHA_TYPE"),
        ({"APS_ENV": "staging"}, "APS_ENV"),
        ({"APS_COMMAND": "CAPTURE"}, "APS_COMMAND"),
        ({"SHOP_PORT": "70000"}, "SHOP_PORT"),
        ({"APS_READ_TIMEOUT": "soon"}, "APS_READ_TIMEOUT"),
        ({"APS_ENV": "sandbox", **{k: v for k, v in REAL_CREDENTIALS.items() if k != "APS_SHA_RESPONSE_PHRASE"}},
         "APS_SHA_RESPONSE_PHRASE"),
        ({"APS_ENV": "sandbox", **{k: v for k, v in REAL_CREDENTIALS.items() if k != "SECRET_KEY"}}, "SECRET_KEY"),
        ({"APS_ENV": "production", "SHOP_BASE_URL": "http://shop.example.sa", **REAL_CREDENTIALS}, "SHOP_BASE_URL"),
    ],
)
def test_invalid_setting_names_variable(environ, variable):
    with pytest.raises(ConfigError, match=variable):
        load_settings(environ)
