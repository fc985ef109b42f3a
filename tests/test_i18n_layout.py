"""Right-to-left layout: logical CSS only, left-to-right islands for codes, mirrored arrows."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Physical (direction-bound) CSS that does not mirror on Arabic pages.
PHYSICAL_CSS = [
    re.compile(r"\b(margin|padding|border|inset)-(left|right)\b"),
    re.compile(r"\bborder-(top|bottom)-(left|right)-radius\b"),
    re.compile(r"(?<![-\w])(left|right)\s*:"),
    re.compile(r"\b(text-align|float|clear)\s*:\s*(left|right)\b"),
    re.compile(r"\bbackground-position(-x)?\s*:[^;]*\b(left|right)\b"),
]

COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)


def physical_properties(css: str) -> list[str]:
    css = COMMENT.sub("", css)
    return [match.group(0) for pattern in PHYSICAL_CSS for match in pattern.finditer(css)]


def test_physical_detector_works() -> None:
    found = physical_properties(".a { margin-left: 1px; right: 0; text-align: left } /* left: 0 */ .b { inset-inline-start: 0 }")
    assert found == ["margin-left", "right:", "text-align: left"]


@pytest.mark.parametrize("path", sorted((ROOT / "static").rglob("*.css")), ids=lambda path: path.name)
def test_stylesheet_logical_only(path: Path) -> None:
    assert physical_properties(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    "path", sorted((ROOT / "templates").rglob("*.html")), ids=lambda path: str(path.relative_to(ROOT / "templates"))
)
def test_template_styles_logical_only(path: Path) -> None:
    html = path.read_text(encoding="utf-8")
    inline = re.findall(r"<style[^>]*>(.*?)</style>", html, re.DOTALL) + re.findall(r'style="([^"]*)"', html)
    assert physical_properties("\n".join(inline)) == []


def test_checkout_fields_direction(sqlite_app: Any) -> None:
    client = sqlite_app.test_client()
    client.get("/?lang=ar")
    client.post("/cart/add", data={"sku": "TEA-KW", "quantity": "1"})
    body = client.get("/checkout/").get_data(as_text=True)
    email = re.search(r"<input[^>]*id=\"customer_email\"[^>]*>", body).group(0)
    name = re.search(r"<input[^>]*id=\"customer_name\"[^>]*>", body).group(0)
    assert 'dir="ltr"' in email
    assert 'dir="auto"' in name
    assert 'dir="None"' not in body


def test_receipt_codes_left_to_right(sqlite_app: Any) -> None:
    client = sqlite_app.test_client()
    client.get("/?lang=ar")
    client.post("/cart/add", data={"sku": "TEA-KW", "quantity": "1"})
    response = client.post(
        "/checkout/", data={"customer_email": "a@example.com", "customer_name": "", "payment_method": "card"}
    )
    reference = response.location.rsplit("/", 1)[-1]
    client.get(response.location)
    receipt = client.get(f"/checkout/pay/{reference}")  # a second visit goes to the receipt
    body = client.get(receipt.location).get_data(as_text=True)
    assert re.search(r'<dd dir="ltr">ORD[0-9A-F]+</dd>', body)
    assert f'<dd dir="ltr" class="merchant-reference">{reference}</dd>' in body


def test_arabic_page_in_chromium(page: Any, stack: Any) -> None:
    """Open the Arabic cart in a real browser: mirrored layout, LTR quantity, flipped arrow, Arabic digits accepted."""
    page.goto(f"{stack.shop_url}/products/TEA-KW?lang=ar")
    assert page.evaluate("getComputedStyle(document.documentElement).direction") == "rtl"

    page.fill("#quantity", "")
    page.locator("#quantity").press_sequentially("٣")  # as typed on an Arabic keyboard
    page.click("form.inline-form button[type=submit]")
    page.wait_for_url("**/cart/")
    assert page.input_value("input[name=quantity]") == "3"
    assert "4.500" in page.inner_text("tfoot .amount")

    assert page.evaluate("getComputedStyle(document.querySelector('input[name=quantity]')).direction") == "ltr"
    arrow = page.evaluate("getComputedStyle(document.querySelector('a.forward'), '::after').transform")
    assert arrow.startswith("matrix(-1")
    header = page.locator(".site-header .brand").bounding_box()
    assert header["x"] > 640, "the brand should sit at the right edge of an Arabic page"
