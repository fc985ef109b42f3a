"""The drawn address bar: the URL and title it draws, Arabic text and the stamp."""

from __future__ import annotations

import datetime as dt

from PIL import Image, ImageChops

from screenshots.frames import HEADER_HEIGHT, MIN_URL_FONT_SIZE, font_path, frame_screenshot, render_header

CAPTURED_AT = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc)


def _glyph(font, text):
    mask = font.getmask(text)
    return mask.size, bytes(mask)


def test_font_has_latin_and_arabic_glyphs():
    from PIL import ImageFont

    font = ImageFont.truetype(font_path(), 20)
    # A character of a private-use plane has no glyph, so it shows the font's .notdef box.
    missing = _glyph(font, "\U000F0000")
    for text in ("A", "ا", "ب"):
        assert _glyph(font, text) != missing, f"{font_path()} has no glyph for {text!r}"


def test_header_draws_whole_url_and_stamp():
    url = "http://127.0.0.1:5050/sim/3ds/S3B13E5DqkzrcN0ESosrnzcFwheNdl8G"
    header = render_header(1280, url, "3-D Secure", CAPTURED_AT)
    assert header.url_drawn == url
    assert header.title_drawn == "3-D Secure"
    assert "drawn by aps-storefront" in header.stamp
    assert "2026-01-02 03:04:05 UTC" in header.stamp
    assert header.image.size == (1280, HEADER_HEIGHT)


def test_header_is_the_same_when_drawn_again():
    first = render_header(1280, "https://shop.test.sa/checkout/", "الدفع · متجر APS", CAPTURED_AT)
    second = render_header(1280, "https://shop.test.sa/checkout/", "الدفع · متجر APS", CAPTURED_AT)
    assert ImageChops.difference(first.image, second.image).getbbox() is None


def test_header_differs_for_another_url():
    first = render_header(1280, "http://127.0.0.1:5000/checkout/", "Checkout", CAPTURED_AT)
    second = render_header(1280, "http://127.0.0.1:5000/checkout/x", "Checkout", CAPTURED_AT)
    assert ImageChops.difference(first.image, second.image).getbbox() is not None


def test_long_url_shrinks_before_it_is_cut():
    url = "http://127.0.0.1:5000/receipt/" + "A" * 70
    header = render_header(1280, url, "Receipt", CAPTURED_AT)
    assert header.url_drawn == url


def test_url_too_long_is_cut_and_reported():
    url = "http://127.0.0.1:5000/receipt/" + "W" * 400
    header = render_header(800, url, "Receipt", CAPTURED_AT)
    assert header.url_drawn != url
    assert header.url_drawn.endswith("…")
    assert url.startswith(header.url_drawn[:-1])
    assert MIN_URL_FONT_SIZE > 0


def test_frame_keeps_page_pixels_below_the_header():
    page = Image.new("RGB", (640, 300), (10, 120, 200))
    framed, header = frame_screenshot(page, "http://127.0.0.1:5000/", "Shop", CAPTURED_AT)
    assert framed.size == (640, HEADER_HEIGHT + 300)
    assert ImageChops.difference(framed.crop((0, HEADER_HEIGHT, 640, HEADER_HEIGHT + 300)), page).getbbox() is None
    assert ImageChops.difference(framed.crop((0, 0, 640, HEADER_HEIGHT)), header.image).getbbox() is None
