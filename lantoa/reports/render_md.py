"""The report as Markdown, for reading on screen or pasting into a message."""

from __future__ import annotations

from lantoa.reports.data import ReportData
from lantoa.reports.narrative import write
from lantoa.reports.tables import ReportTable, cell_text, issue_date_text, report_tables


def _escape(text: str) -> str:
    return text.replace("|", "\\|")


def _table(spec: ReportTable) -> list[str]:
    lines = [
        f"**{spec.title}**",
        "",
        "| " + " | ".join(_escape(c) for c in spec.columns) + " |",
        "|" + "|".join("---" if i == 1 else "---:" for i in range(len(spec.columns))) + "|",
    ]
    for values in spec.rows:
        lines.append("| " + " | ".join(_escape(cell_text(v)) for v in values) + " |")
    if spec.total:
        lines.append(
            "| "
            + " | ".join(
                f"**{_escape(cell_text(v))}**" if v is not None and v != "" else ""
                for v in spec.total
            )
            + " |"
        )
    return [*lines, ""]


def render_md(data: ReportData) -> bytes:
    head = data.letterhead
    narrative = write(data)
    lines = []
    if head.superior:
        lines.append(head.superior.upper() + "  ")
    lines += [
        f"**{head.issuer.upper()}**  ",
        f"Số: …/BC-{head.short}",
        "",
        f"*{issue_date_text(head.place, data.issued_on)}*",
        "",
        "# BÁO CÁO",
        f"## {data.subject}",
        "",
        narrative.opening,
        "",
    ]
    for section in narrative.sections:
        lines += [f"### {section.heading}", ""]
        for part in section.parts:
            if part.heading:
                lines += [f"**{part.heading}**", ""]
            for text in part.paragraphs:
                lines += [text, ""]
    lines += [f"**{head.on_behalf}**  ", f"**{head.signer_title}**", ""]
    lines += ["*Nơi nhận:*", *[f"- {r}" for r in head.recipients], "", "## Phụ lục", ""]
    for spec in report_tables(data):
        lines += _table(spec)
    return ("\n".join(lines).rstrip() + "\n").encode("utf-8")
