"""APS go-live verification checklist: ``flask aps checklist`` and the screenshot kit's sign-off summary."""

from .checks import run_checklist
from .model import Line, Report, Status
from .report import render_html, render_text, summary_lines

__all__ = ["Line", "Report", "Status", "render_html", "render_text", "run_checklist", "summary_lines"]
