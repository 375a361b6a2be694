"""Provides the report export: a Markdown methods report (corpus, codebook, counts, agreement, trends)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from reviewkit.exporters.base import ExportData, Exporter, TrendPoint
from reviewkit.exporters.trends_figure import write_figure
from reviewkit.registry import exporters

SECTIONS = ("## Corpus", "## Codebook", "## Codings", "## Inter-coder agreement", "## Trends")


def _cell(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.3f}"
    return " ".join(str(value).split()).replace("|", "\\|")


def md_table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A GitHub-flavoured Markdown table."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}%"


def _coef(value: float | None, band: str, note: str) -> str:
    if value is None:
        return f"– ({note})" if note else "–"
    return f"{value:.3f} ({band})" if band else f"{value:.3f}"


def _corpus(info: dict[str, Any]) -> list[str]:
    c = info.get("corpus", {})
    out = ["## Corpus", ""]
    out.append(
        f"{c.get('records', 0)} records were imported in {c.get('imports', 0)} import run(s); "
        f"{c.get('merged', 0)} duplicates were merged and {c.get('skipped', 0)} unreadable records skipped, "
        f"leaving **{c.get('documents', 0)} documents**, segmented into {c.get('passages', 0)} passages."
    )
    years = info.get("years") or []
    if years:
        out.append(f"Publication years range from {years[0]} to {years[-1]}.")
    return out + [""]


def _codebook(data: ExportData) -> list[str]:
    out = ["## Codebook", ""]
    out.append(
        f"Codebook **{data.codebook_name}**, version {data.codebook_version}: {len(data.codes)} codes."
    )
    out.append("")
    rows = [(c.id, c.label, c.label_zh, c.definition) for c in data.codes]
    out.append(md_table(("Code", "Label", "中文", "Definition"), rows))
    return out + [""]


def _counts(data: ExportData, info: dict[str, Any]) -> list[str]:
    out = ["## Codings", ""]
    out.append(f"Accepted codings of {data.view or 'all coders'}; a document counts once per code.")
    out.append("")
    total = info.get("corpus", {}).get("documents", 0) or 0
    rows = [
        (
            r["code"],
            r["label"],
            r["passages"],
            r["documents"],
            _pct(r["documents"] / total if total else None),
        )
        for r in info.get("counts", [])
    ]
    out.append(md_table(("Code", "Label", "Passages", "Documents", "Share of documents"), rows))
    return out + [""]


def _agreement(info: dict[str, Any]) -> list[str]:
    out = ["## Inter-coder agreement", ""]
    rep = info.get("agreement")
    if not rep:
        out.append(
            info.get("agreement_note") or "No agreement figures: the project has no decisions of two coders."
        )
        return out + [""]
    out.append(f"Coders: {', '.join(rep['coders'])}; unit: {rep['unit']}; codebook {rep['codebook']}.")
    out.append("")
    inter = rep.get("intercoder")
    if inter:
        rows = []
        for c in [*inter["codes"], inter["overall"]]:
            rows.append(
                (
                    c["code"], c["units"], c["units_all_absent"], _pct(c["percent_agreement"]),
                    _pct(c["percent_agreement_applied"]), _coef(c["cohen_kappa"], c["kappa_band"], ""),
                    _coef(c["alpha"], c["alpha_band"], ""),
                )
            )  # fmt: skip
        out.append(
            md_table(
                (
                    "Code",
                    "Units",
                    "All absent",
                    "Agreement",
                    "Agreement (applied)",
                    "Cohen's κ",
                    "Krippendorff's α",
                ),
                rows,
            )
        )
        out += ["", rep.get("note", "")]
    for w in rep.get("warnings", []):
        out += ["", f"> {w}"]
    tagger = rep.get("tagger") or []
    if tagger:
        out += ["", "### Tagger against each coder", ""]
        rows = [
            (
                t["coder"],
                t["code"],
                t["units"],
                t["precision"],
                t["recall"],
                t["f1"],
                _coef(t["kappa"], t["kappa_band"], ""),
            )
            for t in tagger
        ]
        out.append(md_table(("Coder", "Code", "Units", "Precision", "Recall", "F1", "κ"), rows))
    return out + [""]


def _trends(points: list[TrendPoint], figure: str | None, source: str = "accepted") -> list[str]:
    out = ["## Trends", ""]
    if not points:
        out.append("No trends: no document has a publication year.")
        return out + [""]
    what = (
        "the tagger's suggestions (score at or above the threshold)"
        if source == "suggested"
        else "accepted codings"
    )
    out.append(
        f"Share of documents per publication year carrying each code (any code of a group), from {what}."
    )
    out.append("")
    if figure:
        out += [f"![Share of documents per year]({figure})", ""]
    rows = [(p.year, p.code, p.documents, p.coded, _pct(p.share)) for p in points]
    out.append(md_table(("Year", "Code", "Documents", "Coded", "Share"), rows))
    return out + [""]


@exporters.register("report.v1")
class ReportExporter(Exporter):
    """Markdown methods report; the trends chart is drawn next to it (OUT stem + ``-trends.svg``)."""

    name = "report"
    suffix = ".md"
    description = "Markdown methods report: corpus, codebook, counts, agreement, trends"
    merged_view = True

    def extra_outputs(self, data: ExportData, out: Path) -> list[Path]:
        """The trends chart (--figure, or OUT's stem + ``-trends.svg``)."""
        return [data.figure] if data.figure is not None else []

    def write(self, data: ExportData, path: Path) -> dict[str, Any]:
        """Write the report (and the chart). Returns {"sections", "figure"}."""
        from datetime import date

        from reviewkit._version import __version__

        info = data.report()
        points = data.trends()
        figure_ref = None
        if data.figure is not None and points:
            write_figure(data, points, data.figure)
            figure_ref = Path(os.path.relpath(data.figure, path.parent)).as_posix()
        lines = [f"# Methods report: {data.project}", ""]
        lines += [f"_Generated by reviewkit {__version__} on {date.today().isoformat()}._", ""]
        lines += (
            _corpus(info)
            + _codebook(data)
            + _counts(data, info)
            + _agreement(info)
            + _trends(points, figure_ref, data.trends_source)
        )
        path.write_text("\n".join(lines).rstrip() + "\n", encoding="utf-8")
        return {"sections": len(SECTIONS), "figure": str(data.figure) if figure_ref else ""}
