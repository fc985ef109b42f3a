"""Packaging: zips per archive, the PDF, APS's size limit with its smaller renditions, references, e-mail."""

from __future__ import annotations

import csv
import json
import random
import re
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from screenshots.package import (
    APS_ARCHIVE_LIMIT_BYTES,
    PDF_FILE,
    RENDITIONS,
    ImageRecord,
    ScenarioResult,
    build_archives,
    signoff_subject,
    write_manifest,
    write_references,
    write_signoff_email,
)


def pdf_page_count(data: bytes) -> int:
    """Count the page objects of a PDF (``/Type /Page``, not ``/Pages``)."""
    return len(re.findall(rb"/Type\s*/Page(?!s)", data))


def _noisy_png(path: Path, seed: int, size=(400, 300)) -> None:
    """Write a PNG that compresses badly, so the JPEG renditions are much smaller."""
    generator = random.Random(seed)
    image = Image.frombytes("RGB", size, bytes(generator.getrandbits(8) for _ in range(size[0] * size[1] * 3)))
    image.save(path, format="PNG")


def _record(file: str, archive: str, outcome: str = "success") -> ImageRecord:
    return ImageRecord(
        scenario=f"knet-{outcome}", method="knet", outcome=outcome, language="en", step="receipt",
        step_title="Receipt page", test_case=f"KNET {outcome}", archive=archive,
        url="http://127.0.0.1:5000/receipt/x", title="Receipt", captured_at="2026-01-02T03:04:05Z",
        file=file, frame="drawn", width=400, height=300, merchant_reference="ORD1-ABC",
    )


@pytest.fixture
def run_dir(tmp_path: Path) -> tuple[Path, list[ImageRecord]]:
    (tmp_path / "images").mkdir()
    records = []
    for index, (archive, outcome) in enumerate(
        [("knet-success", "success"), ("knet-success", "success"), ("knet-declined", "declined")]
    ):
        name = f"images/{index:03d}-shot.png"
        _noisy_png(tmp_path / name, index)
        records.append(_record(name, archive, outcome))
    return tmp_path, records


def test_one_zip_per_archive_and_one_pdf(run_dir):
    directory, records = run_dir
    archives = build_archives(directory, records)
    assert [archive.file for archive in archives] == ["knet-success.zip", "knet-declined.zip", PDF_FILE]
    with zipfile.ZipFile(directory / "knet-success.zip") as archive:
        assert archive.namelist() == ["000-shot.png", "001-shot.png"]
    with zipfile.ZipFile(directory / "knet-declined.zip") as archive:
        assert archive.namelist() == ["002-shot.png"]
    assert pdf_page_count((directory / PDF_FILE).read_bytes()) == 3
    for archive in archives:
        assert archive.within_limit
        assert archive.rendition == RENDITIONS[0].label
        assert archive.size_bytes == (directory / archive.file).stat().st_size
        assert archive.size_bytes <= APS_ARCHIVE_LIMIT_BYTES


def test_archive_over_limit_is_rebuilt_smaller(run_dir):
    directory, records = run_dir
    full = build_archives(directory, records)
    png_size = full[0].size_bytes
    limit = png_size - 1

    archives = build_archives(directory, records, limit=limit)

    success_zip = archives[0]
    assert success_zip.within_limit
    assert success_zip.rendition != RENDITIONS[0].label
    assert success_zip.size_bytes <= limit
    assert (directory / "knet-success.zip").stat().st_size == success_zip.size_bytes
    assert len(success_zip.tried) >= 2
    with zipfile.ZipFile(directory / "knet-success.zip") as archive:
        assert archive.namelist() == ["000-shot.jpg", "001-shot.jpg"]
        with archive.open("000-shot.jpg") as handle:
            assert Image.open(handle).format == "JPEG"


def test_archive_that_never_fits_is_reported(run_dir):
    directory, records = run_dir
    archives = build_archives(directory, records, limit=1000)
    assert not any(archive.within_limit for archive in archives)
    assert all(archive.rendition == RENDITIONS[-1].label for archive in archives)
    assert all(len(archive.tried) == len(RENDITIONS) for archive in archives)


def test_references_csv_has_one_row_per_scenario(tmp_path):
    results = [
        ScenarioResult("card-success", "card", "success", "en", "Successful transaction", "card", "ORD1-A", "paid", 4, True),
        ScenarioResult("card-success", "card", "success", "ar", "Successful transaction", "card", "ORD2-B", "paid", 4, True),
    ]
    path = write_references(tmp_path, results)
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    assert [row["merchant_reference"] for row in rows] == ["ORD1-A", "ORD2-B"]
    assert [row["language"] for row in rows] == ["en", "ar"]
    assert rows[0]["test_case"] == "Successful transaction"


def test_manifest_lists_images_and_archives(run_dir):
    directory, records = run_dir
    archives = build_archives(directory, records)
    path = write_manifest(directory, {"frame": "drawn"}, records, [], archives)
    document = json.loads(path.read_text(encoding="utf-8"))
    assert [image["file"] for image in document["images"]] == [record.file for record in records]
    assert document["archives"][0]["file"] == "knet-success.zip"
    assert document["run"] == {"frame": "drawn"}


def test_signoff_email_subject_and_references(tmp_path):
    results = [ScenarioResult("card-success", "card", "success", "en", "Successful transaction", "card",
                              "ORD1-A", "paid", 4, True)]
    path = write_signoff_email(tmp_path, "Dates & Co KSA", results, [], ["PASS  Hosted checkout - Amount Validation"],
                               "sandbox")
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[1] == "Subject: Integration Sign-off - Dates & Co KSA"
    assert signoff_subject("X") == "Integration Sign-off - X"
    assert "ORD1-A" in text
    assert "PASS  Hosted checkout - Amount Validation" in text
    assert "DRAFT" not in text


def test_signoff_email_from_simulator_is_a_draft(tmp_path):
    text = write_signoff_email(tmp_path, "Demo", [], [], [], "simulator").read_text(encoding="utf-8")
    assert "DRAFT" in text
