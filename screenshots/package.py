"""The certification package: manifest, merchant references, zips, one PDF and the sign-off e-mail.

APS's go-live checklist requires the screenshots in a .zip or .pdf file of
at most 20 MB, organised per payment method. KNET, NAPS, BENEFIT and STC Pay
need success and declined in separate zips, OmanNet needs one zip, and the
card screenshots go together. Each scenario names the zip its images go
into. Every archive is checked against the limit; one that is over is built
again from smaller renditions (JPEG, then scaled JPEG) until it fits.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import img2pdf
from PIL import Image

# APS's limit for one screenshot archive is "max 20MB". Read as decimal
# megabytes, the stricter of the two readings.
APS_ARCHIVE_LIMIT_BYTES = 20_000_000

MANIFEST_FILE = "manifest.json"
REFERENCES_FILE = "merchant-references.csv"
SIGNOFF_FILE = "signoff-email.txt"
PDF_FILE = "aps-go-live-screenshots.pdf"
APS_CERTIFICATION_ADDRESS = "integration-ps@amazon.com"

REFERENCE_COLUMNS = ("test_case", "scenario", "method", "outcome", "language", "merchant_reference", "order_status", "archive")


@dataclass
class ImageRecord:
    """One screenshot in the manifest."""

    scenario: str
    method: str
    outcome: str
    language: str
    step: str
    step_title: str
    test_case: str
    archive: str
    url: str
    title: str
    captured_at: str
    file: str
    frame: str
    width: int
    height: int
    part: int = 1
    merchant_reference: str | None = None
    # Drawn frame only: the URL and title drawn into the bar, which must equal url and title.
    url_drawn: str | None = None
    title_drawn: str | None = None
    # 3-D Secure step only: what the main-frame check saw.
    main_frame: dict[str, Any] | None = None


@dataclass
class ScenarioResult:
    """The outcome of one scenario in one language."""

    scenario: str
    method: str
    outcome: str
    language: str
    test_case: str
    archive: str
    merchant_reference: str | None = None
    order_status: str | None = None
    images: int = 0
    passed: bool = False
    error: str | None = None


@dataclass(frozen=True)
class Rendition:
    """Encoding of an archive's images: PNG as captured, or JPEG at a quality and scale."""

    label: str
    image_format: str
    quality: int | None = None
    scale: float = 1.0

    @property
    def suffix(self) -> str:
        return ".png" if self.image_format == "PNG" else ".jpg"


# Tried in order until an archive fits under the limit.
RENDITIONS = (
    Rendition("PNG as captured", "PNG"),
    Rendition("JPEG, quality 85", "JPEG", 85),
    Rendition("JPEG, quality 75, scaled to 75 %", "JPEG", 75, 0.75),
    Rendition("JPEG, quality 65, scaled to 50 %", "JPEG", 65, 0.5),
)


@dataclass
class ArchiveResult:
    """One zip or PDF written, with its size against the limit."""

    file: str
    kind: str
    images: int
    size_bytes: int
    limit_bytes: int
    rendition: str
    within_limit: bool
    tried: list[str] = field(default_factory=list)


# -- manifest and references ----------------------------------------------------


def write_manifest(run_dir: Path, run_info: Mapping[str, Any], records: Sequence[ImageRecord],
                   results: Sequence[ScenarioResult], archives: Sequence[ArchiveResult] = ()) -> Path:
    """Write ``manifest.json``: the run, every image, every scenario result and every archive."""
    document = {
        "run": dict(run_info),
        "images": [asdict(record) for record in records],
        "scenarios": [asdict(result) for result in results],
        "archives": [asdict(archive) for archive in archives],
    }
    path = run_dir / MANIFEST_FILE
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def write_references(run_dir: Path, results: Iterable[ScenarioResult]) -> Path:
    """Write ``merchant-references.csv``, one row per scenario and language."""
    path = run_dir / REFERENCES_FILE
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=REFERENCE_COLUMNS)
        writer.writeheader()
        for result in results:
            row = asdict(result)
            writer.writerow({column: row.get(column) or "" for column in REFERENCE_COLUMNS})
    return path


# -- archives -----------------------------------------------------------------


def _encode(path: Path, rendition: Rendition) -> bytes:
    if rendition.image_format == "PNG" and rendition.scale == 1.0:
        return path.read_bytes()
    with Image.open(path) as image:
        image = image.convert("RGB")
        if rendition.scale != 1.0:
            size = (max(1, round(image.width * rendition.scale)), max(1, round(image.height * rendition.scale)))
            image = image.resize(size, Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        if rendition.image_format == "JPEG":
            image.save(buffer, format="JPEG", quality=rendition.quality, optimize=True)
        else:
            image.save(buffer, format="PNG")
        return buffer.getvalue()


def _write_zip(target: Path, run_dir: Path, records: Sequence[ImageRecord], rendition: Rendition) -> None:
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for record in records:
            source = run_dir / record.file
            archive.writestr(Path(record.file).stem + rendition.suffix, _encode(source, rendition))


def _write_pdf(target: Path, run_dir: Path, records: Sequence[ImageRecord], rendition: Rendition) -> None:
    pages = [_encode(run_dir / record.file, rendition) for record in records]
    target.write_bytes(img2pdf.convert(pages))


def _build_within_limit(target: Path, kind: str, writer, run_dir: Path, records: Sequence[ImageRecord],
                        limit: int) -> ArchiveResult:
    """Write ``target`` with the first rendition that fits under ``limit`` bytes, or the smallest one."""
    tried = []
    size = 0
    for rendition in RENDITIONS:
        writer(target, run_dir, records, rendition)
        size = target.stat().st_size
        tried.append(f"{rendition.label}: {size} bytes")
        if size <= limit:
            return ArchiveResult(target.name, kind, len(records), size, limit, rendition.label, True, tried)
    return ArchiveResult(target.name, kind, len(records), size, limit, RENDITIONS[-1].label, False, tried)


def build_archives(run_dir: Path, records: Sequence[ImageRecord], limit: int = APS_ARCHIVE_LIMIT_BYTES) -> list[ArchiveResult]:
    """Write one zip per archive name (in the order first seen) and one PDF of every image."""
    groups: dict[str, list[ImageRecord]] = {}
    for record in records:
        groups.setdefault(record.archive, []).append(record)
    results = [
        _build_within_limit(run_dir / f"{name}.zip", "zip", _write_zip, run_dir, group, limit)
        for name, group in groups.items()
    ]
    if records:
        results.append(_build_within_limit(run_dir / PDF_FILE, "pdf", _write_pdf, run_dir, records, limit))
    return results


# -- sign-off e-mail ---------------------------------------------------------------


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


def signoff_subject(account_name: str) -> str:
    """Return the subject line APS requires: ``Integration Sign-off - <account name>``."""
    return f"Integration Sign-off - {account_name}"


def write_signoff_email(
    run_dir: Path,
    account_name: str,
    results: Sequence[ScenarioResult],
    archives: Sequence[ArchiveResult],
    checklist_lines: Sequence[str],
    aps_environment: str,
) -> Path:
    """Write ``signoff-email.txt``: subject, merchant references, attachments and the checklist summary."""
    lines = [
        f"To: {APS_CERTIFICATION_ADDRESS}",
        f"Subject: {signoff_subject(account_name)}",
        "",
    ]
    if aps_environment == "simulator":
        lines += [
            "DRAFT - do not send as it is: these payments ran against the local APS simulator, so APS cannot",
            "look up their merchant references. Run the kit against a shop configured with APS_ENV=sandbox",
            "before sending.",
            "",
        ]
    lines += [
        "Hello Amazon Payment Services integration team,",
        "",
        f"Please find attached the test results of {account_name} for the go-live certification.",
        "",
        "Test results (merchant references):",
    ]
    width = max((len(result.test_case) for result in results), default=0)
    for result in results:
        lines.append(
            f"  {result.test_case.ljust(width)}  {result.language}  "
            f"{result.merchant_reference or '(none)'}  {result.order_status or ''}".rstrip()
        )
    lines += ["", "Attachments:"]
    for archive in archives:
        note = "" if archive.within_limit else f"  OVER THE {_megabytes(archive.limit_bytes)} LIMIT"
        lines.append(
            f"  {archive.file} ({_megabytes(archive.size_bytes)}, {archive.images} screenshots, {archive.rendition}){note}"
        )
    lines += ["", "Verification checklist:"]
    lines += [f"  {line}" for line in checklist_lines] or ["  (not run)"]
    lines += ["", "Regards,", account_name, ""]
    path = run_dir / SIGNOFF_FILE
    path.write_text("\n".join(lines), encoding="utf-8")
    return path
