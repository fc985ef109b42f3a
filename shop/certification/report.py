"""The checklist as text (one line per check point) and as a standalone HTML page."""

from __future__ import annotations

from html import escape

from .model import Report, Status

STATUS_WIDTH = 4


def _heading(report: Report) -> list[str]:
    origin = "started by this check" if report.started_here else "already running"
    return [
        f"APS go-live verification checklist: {report.account_name}",
        f"Shop: {report.base_url} ({origin}), APS_ENV={report.aps_environment}",
    ]


def render_text(report: Report) -> str:
    """Return the report: per integration type, one ``STATUS  check point: evidence`` line per check."""
    lines = _heading(report)
    for integration in report.integrations():
        lines += ["", integration]
        for line in report.lines:
            if line.integration != integration:
                continue
            text = f"  {line.status.value:<{STATUS_WIDTH}}  {line.label}: {line.evidence}"
            if line.status == Status.FAIL and line.hint:
                text += f" -> {line.hint}"
            lines.append(text)
    lines += ["", f"Summary: {report.counts_text()}", ""]
    return "\n".join(lines)


def summary_lines(report: Report) -> list[str]:
    """Return one short line per check point, for the sign-off e-mail."""
    lines = []
    for line in report.lines:
        lines.append(f"{line.status.value:<{STATUS_WIDTH}}  {line.integration} - {line.label}")
    lines.append(f"Summary: {report.counts_text()}")
    return lines


STATUS_COLOURS = {Status.PASS: "#0a6b3d", Status.FAIL: "#a4161a", Status.NOT_APPLICABLE: "#5f6368"}


def render_html(report: Report) -> str:
    """Return the report as a standalone HTML page with one table row per check point."""
    rows = []
    for integration in report.integrations():
        rows.append(f'<tr class="integration"><th colspan="3">{escape(integration)}</th></tr>')
        for line in report.lines:
            if line.integration != integration:
                continue
            hint = f'<p class="hint">{escape(line.hint)}</p>' if line.status == Status.FAIL and line.hint else ""
            rows.append(
                f'<tr class="{line.status.name.lower()}">'
                f'<td class="status" style="color:{STATUS_COLOURS[line.status]}">{escape(line.status.value)}</td>'
                f"<td>{escape(line.label)}</td><td>{escape(line.evidence)}{hint}</td></tr>"
            )
    heading = _heading(report)
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{escape(heading[0])}</title>
<style>
  body {{ font-family: system-ui, "DejaVu Sans", sans-serif; margin: 2rem; color: #202124; }}
  table {{ border-collapse: collapse; width: 100%; }}
  th, td {{ border-bottom: 1px solid #dadce0; padding: .4rem .6rem; text-align: start; vertical-align: top; }}
  tr.integration th {{ background: #f1f3f4; padding-top: 1rem; }}
  td.status {{ font-weight: bold; white-space: nowrap; }}
  .hint {{ margin: .3rem 0 0; font-style: italic; }}
</style>
</head>
<body>
<h1>{escape(heading[0])}</h1>
<p>{escape(heading[1])}</p>
<table>
<thead><tr><th>Status</th><th>Check point</th><th>Evidence</th></tr></thead>
<tbody>
{chr(10).join(rows)}
</tbody>
</table>
<p><strong>Summary:</strong> {escape(report.counts_text())}</p>
</body>
</html>
"""
