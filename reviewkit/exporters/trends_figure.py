"""Provides the trends export (CSV table) and the publication-quality trends chart (matplotlib)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reviewkit.errors import ExportError
from reviewkit.exporters.base import ExportData, Exporter, TrendPoint, atomic_path
from reviewkit.exporters.csvsafe import csv_writer
from reviewkit.registry import exporters

TREND_COLUMNS = ("year", "code", "documents", "published", "coded", "share")
"""``documents`` = reviewed documents of the year under the source; ``published`` = all of them."""
FIGURE_SUFFIXES = (".svg", ".png", ".pdf")


def draw_trends(
    points: list[TrendPoint],
    path: Path,
    *,
    fmt: str | None = None,
    labels: dict[str, str] | None = None,
    title: str = "",
) -> None:
    """Draw the share of documents per year for each code as a line chart.

    Args:
        points: the trends table.
        path: the image file.
        fmt: "svg", "png" (300 dpi) or "pdf"; default: from the suffix of `path`.
        labels: code id -> English label for the legend (ids are used otherwise).
        title: an optional title.

    Raises:
        ExportError: an unsupported format.
    """
    fmt = (fmt or path.suffix).lower().lstrip(".")
    if f".{fmt}" not in FIGURE_SUFFIXES:
        raise ExportError(f"Cannot draw {path.name}: use a .svg, .png or .pdf file name.")
    import matplotlib

    matplotlib.use("Agg", force=True)
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator, PercentFormatter

    labels = labels or {}
    series: dict[str, list[tuple[int, float]]] = {}
    for p in points:
        series.setdefault(p.code, []).append((p.year, p.share))
    fig = Figure(figsize=(7.0, 4.2), layout="constrained")
    ax = fig.add_subplot()
    markers = "os^Dv<>phX*"
    for i, (code, values) in enumerate(series.items()):
        values.sort()
        ax.plot(
            [y for y, _ in values],
            [s for _, s in values],
            marker=markers[i % len(markers)],
            markersize=4,
            linewidth=1.6,
            label=labels.get(code) or code,
        )
    ax.set_xlabel("Publication year")
    ax.set_ylabel("Share of documents")
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylim(bottom=0)
    ax.grid(True, linewidth=0.4, alpha=0.5)
    ax.spines[["top", "right"]].set_visible(False)
    if title:
        ax.set_title(title)
    if series:
        ax.legend(frameon=False, fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0))
    meta = {"Creator": "reviewkit"} if fmt in ("png", "pdf") else {"Creator": "reviewkit", "Date": None}
    fig.savefig(path, format=fmt, dpi=300, metadata=meta)


@exporters.register("trends.v1")
class TrendsExporter(Exporter):
    """The trends table as CSV (year, code, documents = reviewed, published, coded, share); --figure adds the chart."""

    name = "trends"
    suffix = ".csv"
    description = "shares of documents per year and code (CSV; --figure adds a chart)"
    merged_view = True

    def extra_outputs(self, data: ExportData, out: Path) -> list[Path]:
        """The figure, when asked for."""
        return [data.figure] if data.figure is not None else []

    def write(self, data: ExportData, path: Path) -> dict[str, Any]:
        """Write the table (and the figure). Returns {"rows", "figure"}."""
        points = data.trends()
        with path.open("w", encoding="utf-8", newline="") as fh:
            writer = csv_writer(fh, raw=data.raw)
            writer.writerow(TREND_COLUMNS)
            for p in points:
                writer.writerow([p.year, p.code, p.documents, "" if p.published is None else p.published, p.coded, f"{p.share:.6g}"])
        out: dict[str, Any] = {"rows": len(points)}
        if data.figure is not None:
            write_figure(data, points, data.figure)
            out["figure"] = str(data.figure)
        return out


def write_figure(data: ExportData, points: list[TrendPoint], figure: Path) -> None:
    """Draw the trends chart to `figure` atomically (its existence was checked by the caller)."""
    if figure.suffix.lower() not in FIGURE_SUFFIXES:
        raise ExportError(f"Cannot draw {figure.name}: use a .svg, .png or .pdf file name.")
    labels = {c.id: c.label or c.id for c in data.codes}
    with atomic_path(figure, force=True) as tmp:
        draw_trends(points, tmp, fmt=figure.suffix, labels=labels)
