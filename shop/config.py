"""Settings from the environment (and ``.env``), checked at start-up.

Every variable is documented in ``.env.example``. A bad value stops the app
with a message that names the variable, because a payment integration that
starts half-configured fails later on a shopper's card.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from urllib.parse import urlsplit

from .aps.endpoints import ENVIRONMENTS, endpoints_for
from .aps.signature import ALGORITHMS

# Demo credentials of the bundled simulator. They are public on purpose and
# only ever accepted by the simulator.
SIMULATOR_CREDENTIALS = {
    "APS_MERCHANT_IDENTIFIER": "SIMmerchant01",
    "APS_ACCESS_CODE": "SIMaccessCode0000001",
    "APS_SHA_REQUEST_PHRASE": "sim-request-phrase",
    "APS_SHA_RESPONSE_PHRASE": "sim-response-phrase",
}

COMMANDS = ("PURCHASE", "AUTHORIZATION")

# Back-office password used when BACKOFFICE_PASSWORD is unset in simulator
# mode. It is public (README), so it guards nothing but a demo.
SIMULATOR_BACKOFFICE_PASSWORD = "backoffice-demo"


class ConfigError(RuntimeError):
    """Raised at start-up for a missing or invalid setting."""


def _flag(value: str | None, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def load_settings(environ: Mapping[str, str] | None = None) -> dict[str, object]:
    """Read and validate the shop's settings; raise ``ConfigError`` naming the bad variable."""
    env = dict(os.environ if environ is None else environ)

    aps_env = env.get("APS_ENV", "simulator").strip() or "simulator"
    if aps_env not in ENVIRONMENTS:
        raise ConfigError(f"APS_ENV={aps_env!r} is invalid; use one of {', '.join(ENVIRONMENTS)}")

    shop_host = env.get("SHOP_HOST", "127.0.0.1")
    shop_port = _port(env, "SHOP_PORT", 5000)
    simulator_port = _port(env, "SIMULATOR_PORT", 5050)
    simulator_url = env.get("APS_SIMULATOR_URL") or f"http://127.0.0.1:{simulator_port}"
    base_url = (env.get("SHOP_BASE_URL") or f"http://{shop_host}:{shop_port}").rstrip("/")

    credentials = {}
    for name, demo_value in SIMULATOR_CREDENTIALS.items():
        value = env.get(name, "")
        if not value and aps_env == "simulator":
            value = demo_value
        if not value:
            raise ConfigError(f"{name} is missing; APS_ENV={aps_env} needs the value from the APS back office")
        credentials[name] = value

    sha_type = env.get("APS_SHA_TYPE", "SHA-256").strip().upper()
    if sha_type not in ALGORITHMS:
        raise ConfigError(f"APS_SHA_TYPE={sha_type!r} is invalid; use one of {', '.join(ALGORITHMS)}")

    command = env.get("APS_COMMAND", "PURCHASE").strip().upper()
    if command not in COMMANDS:
        raise ConfigError(f"APS_COMMAND={command!r} is invalid; use PURCHASE or AUTHORIZATION")

    scheme = urlsplit(base_url).scheme
    if scheme not in {"http", "https"}:
        raise ConfigError(f"SHOP_BASE_URL={base_url!r} is invalid; use an absolute http(s) URL")
    if aps_env == "production" and scheme != "https":
        raise ConfigError(f"SHOP_BASE_URL={base_url!r} must use https when APS_ENV=production")

    endpoints = endpoints_for(aps_env, simulator_url)
    default_db = "sqlite:///" + os.path.join(env.get("SHOP_INSTANCE_PATH", _default_instance_path()), "shop.sqlite3")

    return {
        "APS_ENV": aps_env,
        "APS_MERCHANT_IDENTIFIER": credentials["APS_MERCHANT_IDENTIFIER"],
        "APS_ACCESS_CODE": credentials["APS_ACCESS_CODE"],
        "APS_SHA_REQUEST_PHRASE": credentials["APS_SHA_REQUEST_PHRASE"],
        "APS_SHA_RESPONSE_PHRASE": credentials["APS_SHA_RESPONSE_PHRASE"],
        "APS_SHA_TYPE": sha_type,
        "APS_COMMAND": command,
        "APS_PAYMENT_PAGE_URL": endpoints.payment_page,
        "APS_PAYMENT_API_URL": endpoints.payment_api,
        "APS_SIMULATOR_URL": simulator_url,
        "APS_CONNECT_TIMEOUT": _seconds(env, "APS_CONNECT_TIMEOUT", 5.0),
        "APS_READ_TIMEOUT": _seconds(env, "APS_READ_TIMEOUT", 30.0),
        "APS_ACCOUNT_NAME": env.get("APS_ACCOUNT_NAME", "aps-storefront demo"),
        "SHOP_BASE_URL": base_url,
        "SHOP_HOST": shop_host,
        "SHOP_PORT": shop_port,
        "SIMULATOR_PORT": simulator_port,
        "SECRET_KEY": env.get("SECRET_KEY") or _dev_secret(aps_env),
        "SQLALCHEMY_DATABASE_URI": env.get("DATABASE_URL") or default_db,
        "SHOP_DEMO_DATA": _flag(env.get("SHOP_DEMO_DATA"), default=True),
        "RECEIPT_REFRESH_SECONDS": int(_seconds(env, "RECEIPT_REFRESH_SECONDS", 3)),
        "BACKOFFICE_PASSWORD": _backoffice_password(env, aps_env),
        "SHOP_TRUSTED_PROXIES": _networks(env, "SHOP_TRUSTED_PROXIES"),
        "APS_DEVICE_FINGERPRINT": _flag(env.get("APS_DEVICE_FINGERPRINT")),
        "RECONCILE_AFTER_SECONDS": _seconds(env, "RECONCILE_AFTER_SECONDS", 300.0),
        # NOTE: APS publishes no lifetime for an unpaid payment-page or 3-D
        # Secure session, so one hour is a guess. A result that arrives after
        # reconciliation abandoned the attempt is stored but changes nothing.
        "RECONCILE_ABANDON_AFTER_SECONDS": _seconds(env, "RECONCILE_ABANDON_AFTER_SECONDS", 3600.0),
    }


def _default_instance_path() -> str:
    return os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "instance")


def _port(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "")
    if raw == "":
        return default
    if not raw.isdigit() or not 0 < int(raw) < 65536:
        raise ConfigError(f"{name}={raw!r} is invalid; use a TCP port number from 1 to 65535")
    return int(raw)


def _seconds(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name, "")
    if raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is invalid; use a number of seconds") from None
    if value <= 0:
        raise ConfigError(f"{name}={raw!r} is invalid; use a positive number of seconds")
    return value


def _backoffice_password(env: Mapping[str, str], aps_env: str) -> str:
    """Return BACKOFFICE_PASSWORD; the demo password in simulator mode; '' (back office off) otherwise."""
    value = env.get("BACKOFFICE_PASSWORD", "")
    if not value and aps_env == "simulator":
        return SIMULATOR_BACKOFFICE_PASSWORD
    return value


def _networks(env: Mapping[str, str], name: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """Parse a comma-separated list of IP addresses and CIDR networks, such as ``10.0.0.0/8, ::1``."""
    networks = []
    for item in env.get(name, "").split(","):
        item = item.strip()
        if not item:
            continue
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ConfigError(
                f"{name} contains {item!r}, which is not an IP address or CIDR network such as 10.0.0.0/8"
            ) from None
    return tuple(networks)


def _dev_secret(aps_env: str) -> str:
    if aps_env != "simulator":
        raise ConfigError("SECRET_KEY is missing; set a long random value when APS_ENV is sandbox or production")
    return "dev-only-secret-key-for-the-simulator"
