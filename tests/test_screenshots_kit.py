"""The go-live kit end to end in Chromium: card success and 3-D Secure in English and Arabic.

The kit runs once for this module (about ten seconds) against its own shop
and simulator; the tests then check what it wrote.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageChops

from screenshots.frames import HEADER_HEIGHT, render_header
from screenshots.package import APS_ARCHIVE_LIMIT_BYTES, PDF_FILE, RENDITIONS, build_archives
from screenshots.run import EXIT_OK, Options, run_kit

ACCOUNT_NAME = "Sukkari Dates Trading"
SCENARIOS = ("card-success", "card-3ds-success")
MANIFEST_FIELDS = {"scenario", "method", "outcome", "language", "step", "url", "captured_at", "file", "merchant_reference"}


def kit_environment(monkeypatch: pytest.MonkeyPatch, instance: Path) -> None:
    """Set the simulator settings every test gets, for this module-wide run."""
    from conftest import TEST_SECRET_KEY

    from shop.config import SIMULATOR_CREDENTIALS

    settings = {
        "APS_ENV": "simulator", **SIMULATOR_CREDENTIALS, "APS_SHA_TYPE": "SHA-256", "APS_COMMAND": "PURCHASE",
        "APS_SIMULATOR_URL": "", "SHOP_BASE_URL": "", "DATABASE_URL": "", "SECRET_KEY": TEST_SECRET_KEY,
        "SHOP_INSTANCE_PATH": str(instance), "APS_ACCOUNT_NAME": ACCOUNT_NAME,
    }
    for name, value in settings.items():
        monkeypatch.setenv(name, value)


@pytest.fixture(scope="module")
def kit(playwright, browser, tmp_path_factory) -> Any:
    out = tmp_path_factory.mktemp("kit")
    lines: list[str] = []
    with pytest.MonkeyPatch.context() as monkeypatch:
        kit_environment(monkeypatch, out / "instance")
        result = run_kit(Options(scenarios=SCENARIOS, out_dir=out, run_name="subset"),
                         playwright=playwright, browser=browser, output=lines.append)
    result.lines = lines
    return result


@pytest.fixture(scope="module")
def manifest(kit) -> dict[str, Any]:
    return json.loads((kit.run_dir / "manifest.json").read_text(encoding="utf-8"))


def test_kit_succeeds_with_one_line_per_step(kit):
    assert kit.exit_code == EXIT_OK, "\n".join(kit.lines)
    step_lines = [line for line in kit.lines if re.match(r"\[\s*\d+/\d+\]", line)]
    # card-success has 4 steps, card-3ds-success 5, each in two languages.
    assert len(step_lines) == 18
    assert all("  ok  " in line for line in step_lines)
    assert step_lines[0].startswith("[  1/18] card-success en pre-checkout  ok")


def test_manifest_fields_for_every_image(kit, manifest):
    images = manifest["images"]
    assert len(images) == 18
    for image in images:
        assert MANIFEST_FIELDS <= image.keys()
        assert image["method"] == "card"
        assert image["outcome"] == "success"
        assert image["frame"] == "drawn"
        assert re.fullmatch(r"ORD[0-9A-F]+-[0-9A-F]{6}", image["merchant_reference"])
        assert (kit.run_dir / image["file"]).is_file()
        captured = dt.datetime.fromisoformat(image["captured_at"].replace("Z", "+00:00"))
        assert captured.tzinfo is not None
    steps = [(image["scenario"], image["language"], image["step"]) for image in images]
    assert steps[:4] == [("card-success", "en", step) for step in ("pre-checkout", "checkout", "payment-page", "success")]
    assert ("card-3ds-success", "ar", "3ds") in steps
    assert {image["language"] for image in images} == {"en", "ar"}


def test_drawn_url_is_the_page_url(kit, manifest):
    for image in manifest["images"]:
        assert image["url_drawn"] == image["url"]
        assert image["url"].startswith("http://127.0.0.1:")


def test_image_header_matches_manifest_url(kit, manifest):
    """The image's top is exactly the bar drawn from the recorded URL, so that URL is what the image shows."""
    for image in manifest["images"]:
        with Image.open(kit.run_dir / image["file"]) as picture:
            captured = dt.datetime.fromisoformat(image["captured_at"].replace("Z", "+00:00"))
            expected = render_header(picture.width, image["url"], image["title"], captured).image
            top = picture.convert("RGB").crop((0, 0, picture.width, HEADER_HEIGHT))
            assert ImageChops.difference(top, expected).getbbox() is None, image["file"]


def test_pages_along_the_way(manifest):
    by_step = {(image["scenario"], image["language"], image["step"]): image for image in manifest["images"]}
    assert "/products/DATES-SA" in by_step[("card-success", "ar", "pre-checkout")]["url"]
    assert by_step[("card-success", "en", "checkout")]["url"].endswith("/checkout/")
    assert by_step[("card-success", "en", "payment-page")]["url"].endswith("/FortAPI/paymentPage")
    assert "/receipt/" in by_step[("card-3ds-success", "ar", "success")]["url"]


def test_threeds_page_was_checked_in_the_main_frame(manifest):
    threeds = [image for image in manifest["images"] if image["step"] == "3ds"]
    assert [image["language"] for image in threeds] == ["en", "ar"]
    for image in threeds:
        assert re.search(r"/sim/3ds/[^/?#]+$", image["url"])
        assert image["main_frame"] == {"main_frame_url": image["url"], "pages_in_context": 1, "frames_in_page": 1}
    others = [image for image in manifest["images"] if image["step"] != "3ds"]
    assert all(image["main_frame"] is None for image in others)


def test_merchant_references_csv(kit, manifest):
    rows = list(csv.DictReader((kit.run_dir / "merchant-references.csv").open(encoding="utf-8")))
    assert [(row["scenario"], row["language"]) for row in rows] == [
        ("card-success", "en"), ("card-success", "ar"), ("card-3ds-success", "en"), ("card-3ds-success", "ar"),
    ]
    assert all(row["order_status"] == "paid" for row in rows)
    references = [row["merchant_reference"] for row in rows]
    assert len(set(references)) == 4
    for image in manifest["images"]:
        assert image["merchant_reference"] in references


def test_card_zip_and_pdf_under_the_limit(kit, manifest):
    archives = {archive["file"]: archive for archive in manifest["archives"]}
    assert set(archives) == {"card.zip", PDF_FILE}
    with zipfile.ZipFile(kit.run_dir / "card.zip") as archive:
        names = archive.namelist()
    assert names == [Path(image["file"]).name for image in manifest["images"]]
    for name, archive in archives.items():
        size = (kit.run_dir / name).stat().st_size
        assert archive["size_bytes"] == size
        assert size <= APS_ARCHIVE_LIMIT_BYTES
        assert archive["within_limit"]
        assert archive["images"] == 18
    pdf = (kit.run_dir / PDF_FILE).read_bytes()
    assert len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) == 18


def test_screenshot_archive_falls_back_under_a_tiny_limit(kit, tmp_path):
    from screenshots.package import ImageRecord

    manifest = json.loads((kit.run_dir / "manifest.json").read_text(encoding="utf-8"))
    records = [ImageRecord(**image) for image in manifest["images"]]
    png_zip = next(archive for archive in manifest["archives"] if archive["file"] == "card.zip")
    limit = png_zip["size_bytes"] // 2

    copy = tmp_path / "run"
    (copy / "images").mkdir(parents=True)
    for record in records:
        (copy / record.file).write_bytes((kit.run_dir / record.file).read_bytes())
    archives = build_archives(copy, records, limit=limit)

    for archive in archives:
        assert archive.within_limit, archive.tried
        assert archive.rendition != RENDITIONS[0].label
        assert (copy / archive.file).stat().st_size <= limit


def test_signoff_email(kit):
    text = (kit.run_dir / "signoff-email.txt").read_text(encoding="utf-8")
    assert f"Subject: Integration Sign-off - {ACCOUNT_NAME}" in text.splitlines()
    rows = list(csv.DictReader((kit.run_dir / "merchant-references.csv").open(encoding="utf-8")))
    for row in rows:
        assert row["merchant_reference"] in text
    assert "card.zip" in text
    assert "Verification checklist:" in text
    assert "PASS  Hosted checkout - Amount Validation" in text
    assert "Summary:" in text


def test_checklist_saved_with_the_package(kit):
    assert "Hosted checkout" in (kit.run_dir / "checklist.txt").read_text(encoding="utf-8")
    assert "<table>" in (kit.run_dir / "checklist.html").read_text(encoding="utf-8")
