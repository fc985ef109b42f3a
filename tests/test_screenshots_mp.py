"""The go-live kit's save-card scenario on the merchant page, in English, in Chromium.

The kit runs once for this module against its own shop and simulator, and the
tests then check its manifest, merchant references and zip.
"""

from __future__ import annotations

import csv
import json
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest

from screenshots.run import EXIT_OK, Options, run_kit
from test_screenshots_kit import kit_environment

SCENARIO = "mp-save-card"
STEPS = ["sign-up", "checkout", "save-card-checkbox", "success", "checkout-saved-card", "saved-card-cvv", "saved-card-success"]
REFERENCE = r"ORD[0-9A-F]+-[0-9A-F]{6}"


@pytest.fixture(scope="module")
def kit(playwright, browser, tmp_path_factory) -> Any:
    out = tmp_path_factory.mktemp("kit-mp")
    lines: list[str] = []
    with pytest.MonkeyPatch.context() as monkeypatch:
        kit_environment(monkeypatch, out / "instance")
        result = run_kit(Options(scenarios=(SCENARIO,), languages=("en",), out_dir=out, run_name="mp", checklist=False),
                         playwright=playwright, browser=browser, output=lines.append)
    result.lines = lines
    return result


@pytest.fixture(scope="module")
def manifest(kit) -> dict[str, Any]:
    return json.loads((kit.run_dir / "manifest.json").read_text(encoding="utf-8"))


def test_save_card_scenario_succeeds(kit):
    assert kit.exit_code == EXIT_OK, "\n".join(kit.lines)


def test_manifest_has_every_step(kit, manifest):
    images = manifest["images"]
    assert [image["step"] for image in images] == STEPS
    for image in images:
        assert image["scenario"] == SCENARIO
        assert image["method"] == "card_mp"
        assert image["language"] == "en"
        assert image["archive"] == "merchant-page"
        assert image["url_drawn"] == image["url"]
        assert (kit.run_dir / image["file"]).is_file()


def test_pages_of_the_save_card_flow(manifest):
    urls = {image["step"]: image["url"] for image in manifest["images"]}
    assert "/account/sign-up" in urls["sign-up"]
    assert urls["checkout"].endswith("/checkout/")
    assert re.search(rf"/checkout/pay/{REFERENCE}$", urls["save-card-checkbox"])
    assert re.search(rf"/checkout/pay/{REFERENCE}$", urls["saved-card-cvv"])
    assert urls["save-card-checkbox"] != urls["saved-card-cvv"]
    assert "/receipt/" in urls["saved-card-success"]


def test_both_payments_recorded_as_merchant_references(kit, manifest):
    [result] = manifest["scenarios"]
    assert result["passed"]
    assert result["order_status"] == "paid"
    first, second = result["merchant_reference"].split(" ")
    assert re.fullmatch(REFERENCE, first)
    assert re.fullmatch(REFERENCE, second)
    urls = {image["step"]: image["url"] for image in manifest["images"]}
    assert urls["save-card-checkbox"].endswith(first)
    assert urls["saved-card-cvv"].endswith(second)
    assert all(image["merchant_reference"] == result["merchant_reference"] for image in manifest["images"])
    rows = list(csv.DictReader((kit.run_dir / "merchant-references.csv").open(encoding="utf-8")))
    assert [row["merchant_reference"] for row in rows] == [result["merchant_reference"]]


def test_merchant_page_zip(kit, manifest):
    archives = {archive["file"] for archive in manifest["archives"]}
    assert "merchant-page.zip" in archives
    with zipfile.ZipFile(kit.run_dir / "merchant-page.zip") as archive:
        names = archive.namelist()
    assert names == [Path(image["file"]).name for image in manifest["images"]]
