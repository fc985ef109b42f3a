"""customer_ip: the TCP peer, or X-Forwarded-For read from the right behind trusted proxies only."""

from __future__ import annotations

import ipaddress

import pytest

from shop.config import ConfigError, load_settings
from shop.payments.client_ip import client_ip, customer_ip, parse_address

PROXIES = (ipaddress.ip_network("10.0.0.0/8"), ipaddress.ip_network("2001:db8:ffff::/48"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("203.0.113.9", "203.0.113.9"),
        (" 203.0.113.9 ", "203.0.113.9"),
        ("203.0.113.9:51234", "203.0.113.9"),
        ("2001:db8::1", "2001:db8::1"),
        ("[2001:db8::1]:443", "2001:db8::1"),
        ("::ffff:198.51.100.7", "198.51.100.7"),
        ("fe80::1%eth0", "fe80::1"),
        ("unknown", None),
        ("", None),
        ("999.1.1.1", None),
    ],
)
def test_parse_address_forms(text: str, expected: str | None) -> None:
    address = parse_address(text)
    assert (str(address) if address is not None else None) == expected


def test_peer_used_without_trusted_proxies() -> None:
    assert client_ip("203.0.113.9", ["198.51.100.1"], ()) == "203.0.113.9"


def test_forwarded_for_ignored_from_untrusted_peer() -> None:
    assert client_ip("203.0.113.9", ["198.51.100.1"], PROXIES) == "203.0.113.9"


def test_forwarded_for_behind_trusted_proxy() -> None:
    assert client_ip("10.1.2.3", ["198.51.100.1"], PROXIES) == "198.51.100.1"


def test_rightmost_untrusted_address_wins() -> None:
    # The client sent "1.1.1.1" itself; the proxy appended what it saw (198.51.100.1).
    assert client_ip("10.1.2.3", ["1.1.1.1, 198.51.100.1"], PROXIES) == "198.51.100.1"


def test_chain_of_trusted_proxies_skipped() -> None:
    assert client_ip("10.0.0.1", ["198.51.100.1, 10.0.0.7, 10.0.0.8"], PROXIES) == "198.51.100.1"


def test_several_headers_read_as_one_list() -> None:
    assert client_ip("10.0.0.1", ["1.1.1.1", "198.51.100.1, 10.0.0.7"], PROXIES) == "198.51.100.1"


def test_all_hops_trusted_gives_leftmost() -> None:
    assert client_ip("10.0.0.1", ["10.0.0.5, 10.0.0.7"], PROXIES) == "10.0.0.5"


def test_invalid_entry_after_trusted_proxy_gives_proxy() -> None:
    assert client_ip("10.0.0.1", ["198.51.100.1, garbage"], PROXIES) == "10.0.0.1"


def test_ipv4_mapped_peer_unwrapped() -> None:
    assert client_ip("::ffff:203.0.113.9", [], PROXIES) == "203.0.113.9"
    assert client_ip("::ffff:10.0.0.1", ["198.51.100.1"], PROXIES) == "198.51.100.1"


def test_ipv4_mapped_forwarded_entry_unwrapped() -> None:
    assert client_ip("10.0.0.1", ["::ffff:198.51.100.1"], PROXIES) == "198.51.100.1"


def test_ipv6_proxy_and_client() -> None:
    assert client_ip("2001:db8:ffff::2", ["2001:db8:1::5"], PROXIES) == "2001:db8:1::5"


def test_missing_peer_gives_empty() -> None:
    assert client_ip(None, ["198.51.100.1"], PROXIES) == ""


def test_trusted_proxies_setting_parsed() -> None:
    settings = load_settings({"SHOP_TRUSTED_PROXIES": "10.0.0.0/8, 127.0.0.1 ,::1"})
    assert [str(network) for network in settings["SHOP_TRUSTED_PROXIES"]] == ["10.0.0.0/8", "127.0.0.1/32", "::1/128"]


def test_trusted_proxies_default_empty() -> None:
    assert load_settings({})["SHOP_TRUSTED_PROXIES"] == ()


def test_trusted_proxies_invalid_named() -> None:
    with pytest.raises(ConfigError, match="SHOP_TRUSTED_PROXIES"):
        load_settings({"SHOP_TRUSTED_PROXIES": "10.0.0.0/8, proxy.example"})


def test_customer_ip_reads_request(sqlite_app) -> None:
    sqlite_app.config["SHOP_TRUSTED_PROXIES"] = (ipaddress.ip_network("127.0.0.0/8"),)
    with sqlite_app.test_request_context("/", headers={"X-Forwarded-For": "198.51.100.1"},
                                         environ_base={"REMOTE_ADDR": "127.0.0.1"}):
        assert customer_ip() == "198.51.100.1"
    sqlite_app.config["SHOP_TRUSTED_PROXIES"] = ()
    with sqlite_app.test_request_context("/", headers={"X-Forwarded-For": "198.51.100.1"},
                                         environ_base={"REMOTE_ADDR": "127.0.0.1"}):
        assert customer_ip() == "127.0.0.1"
