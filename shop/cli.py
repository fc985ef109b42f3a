"""Command-line tools: ``flask aps ...`` for integrators, ``flask demo ...`` for demo data."""

from __future__ import annotations

import json
import sys

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import or_, select

from .aps.signature import ALGORITHMS, TOKENIZATION_UNSIGNED_FIELDS, compute_signature, string_to_sign
from .certification.cli import checklist_command
from .extensions import db
from .models import Order, PaymentAttempt

aps_cli = AppGroup("aps", help="APS integration tools: signature debugger, order inspection, go-live checklist.")
aps_cli.add_command(checklist_command)
demo_cli = AppGroup("demo", help="Demo data.")


@aps_cli.command("signature")
@click.argument("source", type=click.File("r", encoding="utf-8"), default="-")
@click.option("--phrase", help="SHA phrase to sign with. Default: the configured SHA request phrase.")
@click.option(
    "--algorithm",
    type=click.Choice(list(ALGORITHMS), case_sensitive=False),
    help="SHA type. Default: the configured APS_SHA_TYPE.",
)
@click.option("--tokenization", is_flag=True, help="Leave out the card fields, as for a merchant-page TOKENIZATION form.")
@click.option("--include-empty", is_flag=True, help="Sign empty values as 'name=' instead of leaving them out.")
@click.option("--show-phrase", is_flag=True, help="Print the phrase in the string to sign instead of masking it.")
def signature_command(source, phrase: str | None, algorithm: str | None, tokenization: bool,
                      include_empty: bool, show_phrase: bool) -> None:
    """Print the string to sign and the signature of a JSON object of parameters.

    SOURCE is a file with one JSON object, or - (the default) for standard
    input. Compare the output with your own code when APS returns 00008
    "Signature mismatch". The signature is alone on the last line.
    """
    try:
        params = json.load(source)
    except json.JSONDecodeError as error:
        raise click.UsageError(f"{source.name} is not valid JSON: {error}") from None
    if not isinstance(params, dict):
        raise click.UsageError(f"{source.name} must contain one JSON object of APS parameters")

    phrase = phrase if phrase is not None else current_app.config["APS_SHA_REQUEST_PHRASE"]
    algorithm = (algorithm or current_app.config["APS_SHA_TYPE"]).upper()
    exclude = TOKENIZATION_UNSIGNED_FIELDS if tokenization else frozenset()

    try:
        text = string_to_sign(params, phrase, exclude, include_empty)
        digest = compute_signature(params, phrase, algorithm, exclude, include_empty)
    except TypeError as error:
        raise click.UsageError(str(error)) from None

    shown = text
    if not show_phrase and phrase:
        masked = "*" * min(len(phrase), 8)
        shown = masked + text[len(phrase):len(text) - len(phrase)] + masked
    click.echo(f"algorithm: {algorithm}")
    if tokenization:
        click.echo("excluded: " + ", ".join(sorted(exclude)))
    click.echo(f"string to sign: {shown}")
    click.echo(digest)


@aps_cli.command("order")
@click.argument("reference")
def order_command(reference: str) -> None:
    """Print an order with its payment attempts and APS events as JSON.

    REFERENCE is an order number or a merchant_reference.
    """
    from .payments.service import dumps, order_as_dict

    order = db.session.scalar(
        select(Order)
        .outerjoin(PaymentAttempt)
        .where(or_(Order.number == reference, PaymentAttempt.merchant_reference == reference))
        .limit(1)
    )
    if order is None:
        click.echo(f"No order or merchant_reference {reference!r} found.", err=True)
        sys.exit(1)
    click.echo(dumps(order_as_dict(order)))


@aps_cli.command("reconcile")
@click.option("--older-than", type=click.FloatRange(min=0), default=None,
              help="Check attempts pending or on hold for at least this many seconds. Default: RECONCILE_AFTER_SECONDS.")
@click.option("--abandon-after", type=click.FloatRange(min=0), default=None,
              help="Mark attempts APS does not know (12036) failed after this many seconds. "
                   "Default: RECONCILE_ABANDON_AFTER_SECONDS.")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Check at most this many attempts.")
def reconcile_command(older_than: float | None, abandon_after: float | None, limit: int | None) -> None:
    """Settle open payment attempts with APS's CHECK_STATUS; safe to run from cron in parallel.

    Prints one summary line. Exits with status 1 when a check failed.
    """
    from .payments.reconcile import reconcile

    config = current_app.config
    summary = reconcile(
        older_than if older_than is not None else config["RECONCILE_AFTER_SECONDS"],
        abandon_after if abandon_after is not None else config["RECONCILE_ABANDON_AFTER_SECONDS"],
        limit,
    )
    click.echo(summary.line())
    if summary.errors:
        sys.exit(1)


@demo_cli.command("load")
def load_demo_command() -> None:
    """Insert the demo catalogue's missing products."""
    from .catalog.demo import ensure_demo_catalogue

    added = ensure_demo_catalogue()
    click.echo(f"Added {added} demo products.")
