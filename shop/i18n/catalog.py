"""The shop's translation catalogues: extraction, update, compilation and checks.

``flask translate`` (see ``cli.py``) and the i18n tests both use these
functions, so the command a developer runs and the check CI runs extract
the same strings in the same way. Extraction, update and init run pybabel
in a subprocess; compilation writes the .mo files with Babel's API.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

logger = logging.getLogger("shop.i18n")

PROJECT_ROOT = Path(__file__).resolve().parents[2]
BABEL_CONFIG = PROJECT_ROOT / "babel.cfg"
TRANSLATIONS_DIR = PROJECT_ROOT / "translations"
DOMAIN = "messages"

# Function names pybabel looks for, beyond its defaults (_, gettext, ngettext, pgettext...).
EXTRA_KEYWORDS = ("_l", "lazy_gettext", "lazy_ngettext:1,2", "lazy_pgettext:1c,2", "lazy_npgettext:1c,2,3")

# Catalogue layout: file locations without line numbers, so that moving code
# does not churn the .po files, and no line wrapping, so long Arabic
# sentences stay on one line for translators.
EXTRACT_OPTIONS = ("--add-location=file", "--sort-by-file", "--no-wrap", "--add-comments=TRANSLATORS:")


class TranslationToolError(RuntimeError):
    """Raised when a pybabel step fails; the message names the step."""


def run_pybabel(*args: str, quiet: bool = False) -> None:
    """Run ``pybabel ARGS`` from the project root, so catalogues name files by relative path.

    pybabel's output is printed unless ``quiet``; on failure it becomes the
    error message.
    """
    command = [sys.executable, "-m", "babel.messages.frontend", *(["--quiet"] if quiet else []), *args]
    result = subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise TranslationToolError(
            f"pybabel {args[0]} failed with status {result.returncode}: {result.stderr.strip() or result.stdout.strip()}"
        )
    if not quiet:
        sys.stderr.write(result.stdout + result.stderr)


def catalogue_path(language: str, directory: Path = TRANSLATIONS_DIR) -> Path:
    return directory / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def translated_languages(directory: Path = TRANSLATIONS_DIR) -> list[str]:
    """Return the languages that have a .po catalogue, sorted."""
    return sorted(path.parent.parent.name for path in directory.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def extract(pot_path: Path, quiet: bool = True) -> None:
    """Extract every translatable string of the shop into the template ``pot_path``."""
    keywords = [f"--keyword={keyword}" for keyword in EXTRA_KEYWORDS]
    run_pybabel(
        "extract",
        f"--mapping-file={BABEL_CONFIG}",
        f"--output-file={pot_path}",
        "--project=aps-storefront",
        *EXTRACT_OPTIONS,
        *keywords,
        ".",
        quiet=quiet,
    )


def update(pot_path: Path, directory: Path = TRANSLATIONS_DIR) -> None:
    """Merge ``pot_path`` into every language's catalogue.

    Strings that were removed from the code are dropped. A changed string
    gets its old translation marked fuzzy, which the checks reject until a
    translator reviews it.
    """
    run_pybabel(
        "update",
        f"--input-file={pot_path}",
        f"--output-dir={directory}",
        f"--domain={DOMAIN}",
        "--no-wrap",
        "--ignore-obsolete",
        "--ignore-pot-creation-date",
    )


def init(language: str, pot_path: Path, directory: Path = TRANSLATIONS_DIR) -> None:
    """Create the catalogue of a new language from ``pot_path``; Babel fills in its plural rule."""
    run_pybabel(
        "init",
        f"--input-file={pot_path}",
        f"--output-dir={directory}",
        f"--domain={DOMAIN}",
        f"--locale={language}",
        "--no-wrap",
    )


@contextmanager
def extracted_template(quiet: bool = True) -> Iterator[Path]:
    """Extract the strings into a temporary .pot file and yield its path."""
    with tempfile.TemporaryDirectory(prefix="shop-i18n-") as folder:
        pot_path = Path(folder) / f"{DOMAIN}.pot"
        extract(pot_path, quiet=quiet)
        yield pot_path


def compile_catalogue(po_path: Path) -> Path:
    """Write the .mo file beside ``po_path`` and return its path.

    Fuzzy and untranslated messages are left out, as ``pybabel compile``
    does, so they show in English instead of a guess. The file is written
    under a temporary name and renamed, so a running shop never reads half
    a file.
    """
    with po_path.open("rb") as source:
        catalogue = read_po(source, locale=po_path.parent.parent.name, domain=DOMAIN)
    mo_path = po_path.with_suffix(".mo")
    handle, temporary = tempfile.mkstemp(dir=po_path.parent, prefix=".messages-", suffix=".mo")
    try:
        with os.fdopen(handle, "wb") as target:
            write_mo(target, catalogue, use_fuzzy=False)
        os.replace(temporary, mo_path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return mo_path


def compile_all(directory: Path = TRANSLATIONS_DIR) -> list[Path]:
    """Compile every language's catalogue; return the .mo paths."""
    return [compile_catalogue(catalogue_path(language, directory)) for language in translated_languages(directory)]


def compile_stale(directory: Path = TRANSLATIONS_DIR) -> list[Path]:
    """Compile the catalogues whose .mo file is missing or older than the .po; return what was written.

    The shop calls this at start-up so a fresh clone shows Arabic without a
    build step. A read-only install is logged and left alone: it serves the
    .mo files it was shipped with.
    """
    written = []
    for language in translated_languages(directory):
        po_path = catalogue_path(language, directory)
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        try:
            written.append(compile_catalogue(po_path))
        except OSError as error:
            logger.warning("Cannot compile %s, so %s pages may show English: %s", po_path, language, error)
    return written


def read_template(pot_path: Path) -> Catalog:
    with pot_path.open("rb") as source:
        return read_po(source, domain=DOMAIN)


def load_catalogue(language: str, directory: Path = TRANSLATIONS_DIR) -> Catalog:
    with catalogue_path(language, directory).open("rb") as source:
        return read_po(source, locale=language, domain=DOMAIN)


def find_problems(template: Catalog, catalogue: Catalog) -> list[str]:
    """List what keeps ``catalogue`` from matching the extracted ``template`` completely.

    Reported: strings missing from the catalogue or no longer in the code,
    empty or fuzzy translations, a fuzzy header, placeholders that differ from
    the English text, and a wrong number of plural forms.
    """
    problems: list[str] = []
    expected = {(message.context, message.id): message for message in template if message.id}
    present = {(message.context, message.id): message for message in catalogue if message.id}

    for key in expected.keys() - present.keys():
        problems.append(f"missing from the catalogue: {describe(expected[key])}")
    for key in present.keys() - expected.keys():
        problems.append(f"no longer in the code: {describe(present[key])}")
    if catalogue.fuzzy:
        problems.append("the catalogue header is marked fuzzy, so pybabel compile would skip the whole file")

    for message in present.values():
        if message.fuzzy:
            problems.append(f"fuzzy translation: {describe(message)}")
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if any(not text for text in strings):
            problems.append(f"empty translation: {describe(message)}")
        elif message.pluralizable and len(strings) != catalogue.num_plurals:
            problems.append(f"{len(strings)} plural forms instead of {catalogue.num_plurals}: {describe(message)}")
    for message, errors in catalogue.check():
        for error in errors:
            problems.append(f"invalid translation of {describe(message)}: {error}")
    return sorted(problems)


def describe(message: Message) -> str:
    """Name a message in a problem report: its English text, and its context if it has one."""
    text = message.id[0] if isinstance(message.id, tuple) else message.id
    return f"{text!r} (context {message.context!r})" if message.context else repr(text)
