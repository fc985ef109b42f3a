"""Templates meant to be copied into other sites document themselves.

Every partial under templates/payments/ (a template that does not extend
the shop's layout) must open with a comment that states the context it
needs, so that it can be lifted out alone. Full shop pages extend
base.html and include those partials.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

PAYMENT_TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "payments"
COPYABLE = sorted(
    path for path in PAYMENT_TEMPLATES.rglob("*.html") if "{% extends" not in path.read_text("utf-8")
)


def test_there_are_copyable_templates():
    assert any(path.name == "redirect.html" for path in COPYABLE)
    assert any(path.name == "_receipt_body.html" for path in COPYABLE)


@pytest.mark.parametrize("path", COPYABLE, ids=[str(p.relative_to(PAYMENT_TEMPLATES)) for p in COPYABLE])
def test_header_states_context(path):
    text = path.read_text("utf-8")
    header = re.match(r"\s*\{#-?(.*?)-?#\}", text, re.S)
    assert header, f"{path.name} does not open with a {{# ... #}} comment"
    assert "Context it needs" in header.group(1), f"{path.name}: header does not state the context it needs"
