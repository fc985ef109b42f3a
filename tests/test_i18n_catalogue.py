"""The Arabic catalogue contains every string pybabel extracts, all translated, none fuzzy.

When this fails after you added or changed a string, run
``flask --app app translate update``, translate what it lists in
translations/ar/LC_MESSAGES/messages.po, and run the tests again.
"""

from __future__ import annotations

import gettext
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from babel.messages.catalog import Catalog

from shop.i18n import catalog

ARABIC_PLURAL_FORMS = 6  # zero, one, two, few, many, other


@pytest.fixture(scope="module")
def template() -> Catalog:
    """Return what pybabel extracts from the code right now."""
    with catalog.extracted_template() as pot_path:
        return catalog.read_template(pot_path)


def test_arabic_catalogue_complete(template: Catalog) -> None:
    problems = catalog.find_problems(template, catalog.load_catalogue("ar"))
    assert problems == [], "run 'flask --app app translate update' and translate:\n" + "\n".join(problems)


def test_extraction_finds_python_and_templates(template: Catalog) -> None:
    ids = {message.id for message in template if message.id}
    assert "Checkout" in ids  # templates/cart/show.html
    assert "Credit or debit card" in ids  # shop/payments/methods.py, lazy_gettext
    assert "Quantity" in ids  # shop/cart/forms.py, _l


def test_extraction_skips_simulator(template: Catalog) -> None:
    for message in template:
        for filename, _line in message.locations:
            assert not filename.startswith("shop/simulator/"), filename


def test_catalogue_locations_relative(template: Catalog) -> None:
    for message in template:
        for filename, _line in message.locations:
            assert not os.path.isabs(filename), filename


def test_arabic_plural_rule() -> None:
    arabic = catalog.load_catalogue("ar")
    assert arabic.num_plurals == ARABIC_PLURAL_FORMS
    plural_form = gettext.c2py(arabic.plural_expr)
    assert [plural_form(n) for n in (0, 1, 2, 3, 11, 100)] == [0, 1, 2, 3, 4, 5]


def catalogue_with(*messages: tuple[str, str, set[str]]) -> Catalog:
    result = Catalog(locale="ar")
    result.fuzzy = False
    for english, arabic, flags in messages:
        result.add(english, arabic, flags=flags)
    return result


def template_with(*ids: str) -> Catalog:
    result = Catalog(locale=None)
    for english in ids:
        result.add(english)
    return result


def test_problems_missing_message() -> None:
    problems = catalog.find_problems(template_with("Cart", "Receipt"), catalogue_with(("Cart", "سلة التسوق", set())))
    assert problems == ["missing from the catalogue: 'Receipt'"]


def test_problems_empty_and_fuzzy() -> None:
    problems = catalog.find_problems(
        template_with("Cart", "Receipt"),
        catalogue_with(("Cart", "", set()), ("Receipt", "الإيصال", {"fuzzy"})),
    )
    assert problems == ["empty translation: 'Cart'", "fuzzy translation: 'Receipt'"]


def test_problems_stale_message() -> None:
    problems = catalog.find_problems(template_with(), catalogue_with(("Cart", "سلة التسوق", set())))
    assert problems == ["no longer in the code: 'Cart'"]


def test_problems_placeholder_mismatch() -> None:
    arabic = catalogue_with(("Pay %(amount)s", "ادفع %(total)s", {"python-format"}))
    problems = catalog.find_problems(template_with("Pay %(amount)s"), arabic)
    assert len(problems) == 1
    assert problems[0].startswith("invalid translation of 'Pay %(amount)s'")


def test_problems_missing_plural_forms() -> None:
    arabic = Catalog(locale="ar")
    arabic.fuzzy = False
    arabic.add(("%(num)d item", "%(num)d items"), ("عنصر", "عنصر واحد", "عنصران"), flags={"python-format"})
    template = Catalog()
    template.add(("%(num)d item", "%(num)d items"))
    problems = catalog.find_problems(template, arabic)
    assert "3 plural forms instead of 6: '%(num)d item'" in problems


def test_translate_check_command(sqlite_app: Any) -> None:
    result = sqlite_app.test_cli_runner().invoke(args=["translate", "check"])
    assert result.exit_code == 0, result.output
    assert "ar: complete" in result.output


def test_compile_stale_writes_mo(tmp_path: Path) -> None:
    shutil.copytree(catalog.TRANSLATIONS_DIR, tmp_path / "translations", ignore=shutil.ignore_patterns("*.mo"))
    directory = tmp_path / "translations"
    mo_path = directory / "ar" / "LC_MESSAGES" / "messages.mo"

    assert catalog.compile_stale(directory) == [mo_path]
    with mo_path.open("rb") as handle:
        assert gettext.GNUTranslations(handle).gettext("Checkout") == "إتمام الشراء"

    assert catalog.compile_stale(directory) == []  # up to date: nothing written

    po_path = catalog.catalogue_path("ar", directory)
    later = mo_path.stat().st_mtime + 10
    os.utime(po_path, (later, later))
    assert catalog.compile_stale(directory) == [mo_path]


def test_shop_serves_arabic_from_catalogue(sqlite_app: Any) -> None:
    body = sqlite_app.test_client().get("/cart/?lang=ar").get_data(as_text=True)
    assert "سلة التسوق" in body
