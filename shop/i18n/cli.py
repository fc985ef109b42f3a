"""``flask translate ...``: keep the Arabic catalogue in step with the code.

After adding or changing a user-facing string:

    flask --app app translate update     # extract, merge into translations/*/messages.po
    (translate the new or fuzzy entries in translations/ar/LC_MESSAGES/messages.po)
    flask --app app translate check      # what is still missing, empty or fuzzy
    flask --app app translate compile    # write the .mo files the shop reads
"""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from . import catalog
from .catalog import TranslationToolError

translate_cli = AppGroup("translate", help="Translation catalogues: extract, update, compile, check.")


def _fail(error: TranslationToolError) -> None:
    click.echo(f"Error: {error}", err=True)
    sys.exit(1)


@translate_cli.command("update")
@click.option("--verbose", is_flag=True, help="List every file pybabel reads.")
def update_command(verbose: bool) -> None:
    """Extract the strings from shop/ and templates/ and merge them into every catalogue."""
    try:
        with catalog.extracted_template(quiet=not verbose) as pot_path:
            catalog.update(pot_path)
    except TranslationToolError as error:
        _fail(error)
    click.echo("Catalogues updated. Translate the new and fuzzy entries, then run 'flask translate compile'.")


@translate_cli.command("init")
@click.argument("language")
def init_command(language: str) -> None:
    """Start the catalogue of a new LANGUAGE (a code such as fr); add it to shop.i18n.LANGUAGES too."""
    path = catalog.catalogue_path(language)
    if path.exists():
        raise click.UsageError(f"{path} already exists; use 'flask translate update' to refresh it")
    try:
        with catalog.extracted_template() as pot_path:
            catalog.init(language, pot_path)
    except TranslationToolError as error:
        _fail(error)
    click.echo(f"Created {path}. Translate it, then run 'flask translate compile'.")


@translate_cli.command("compile")
def compile_command() -> None:
    """Write the .mo file of every catalogue (fuzzy and empty entries are left out)."""
    for mo_path in catalog.compile_all():
        click.echo(f"Compiled {mo_path}")


@translate_cli.command("check")
def check_command() -> None:
    """Exit with status 1 if a catalogue misses a string or has an empty, fuzzy or broken translation."""
    try:
        with catalog.extracted_template() as pot_path:
            template = catalog.read_template(pot_path)
    except TranslationToolError as error:
        _fail(error)
    failed = False
    for language in catalog.translated_languages():
        problems = catalog.find_problems(template, catalog.load_catalogue(language))
        for problem in problems:
            click.echo(f"{language}: {problem}", err=True)
        failed = failed or bool(problems)
        if not problems:
            click.echo(f"{language}: complete")
    if failed:
        click.echo("Run 'flask translate update', translate the entries listed, then run this again.", err=True)
        sys.exit(1)
