"""``flask aps checklist``: APS's verification checklist, checked against the shop."""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from flask import current_app
from flask.cli import with_appcontext

from .checks import quiet_shop_logs, run_checklist
from .report import render_html, render_text

# Settings the checklist's own shop must not copy: the stack gives it fresh ports and simulator endpoints.
STACK_OWNED_SETTINGS = frozenset({
    "APS_PAYMENT_PAGE_URL", "APS_PAYMENT_API_URL", "APS_SIMULATOR_URL", "SHOP_HOST", "SHOP_PORT", "SIMULATOR_PORT",
})


def _copied_settings(config: Mapping[str, Any]) -> dict[str, Any]:
    """Return the settings of the running app that the checklist's own shop runs with."""
    return {
        name: value for name, value in config.items()
        if name.startswith(("APS_", "SHOP_", "RECEIPT_")) and name not in STACK_OWNED_SETTINGS
    } | {"SECRET_KEY": config["SECRET_KEY"]}


@contextmanager
def checklist_shop(config: Mapping[str, Any]) -> Iterator[str]:
    """Start the shop with ``config`` (and the simulator) on free ports and a throw-away database; yield its URL.

    SHOP_BASE_URL stays the configured one, so the signed forms carry the
    return_url APS would get. The session cookie is not marked Secure, so the
    checklist can shop over the local http address.
    """
    from ..stack import running_stack

    with quiet_shop_logs(), tempfile.TemporaryDirectory(prefix="aps-checklist-") as directory:
        overrides = {
            **_copied_settings(config),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(directory) / 'shop.sqlite3'}",
            "SHOP_DEMO_DATA": True,
            "SESSION_COOKIE_SECURE": False,
            "LOG_LEVEL": "ERROR",
        }
        with running_stack(overrides) as stack:
            yield stack.shop_url


@click.command("checklist")
@click.option("--format", "output_format", type=click.Choice(["text", "html"]), default="text", show_default=True,
              help="Output format.")
@click.option("--base-url", help="Check the shop already running at this URL instead of starting one. "
              "Use a test shop: the checklist places orders and posts APS results to it.")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), help="Write the report to this file.")
@with_appcontext
def checklist_command(output_format: str, base_url: str | None, output: Path | None) -> None:
    """Check the shop against APS's "Verify the Integration" tables.

    Prints one line per check point: PASS, FAIL or N/A with its evidence.
    Without --base-url the shop and the simulator are started on free ports
    of 127.0.0.1 with this configuration and a throw-away database. Exits
    with status 1 when any line is FAIL.
    """
    config = current_app.config
    if base_url:
        with quiet_shop_logs():
            report = run_checklist(config, base_url.rstrip("/"))
    else:
        with checklist_shop(config) as url, quiet_shop_logs():
            report = run_checklist(config, url, started_here=True)

    text = render_html(report) if output_format == "html" else render_text(report)
    if output is not None:
        output.write_text(text, encoding="utf-8")
        click.echo(f"{report.counts_text()}; report written to {output}")
    else:
        click.echo(text, nl=False)
    if report.failed:
        sys.exit(1)
