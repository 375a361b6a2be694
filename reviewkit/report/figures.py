"""Provides the report's trends figure: the share of reviewed documents with each code group, per period."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from reviewkit.errors import ExportError
from reviewkit.report.facts import TrendFacts
from reviewkit.report.prisma import FORMATS
from reviewkit.report.text import font_families, num, quiet_glyph_warnings

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def period_denominators(trends: TrendFacts) -> dict[str, int | None]:
    """Reviewed documents per period when every group of the period shares it (else None)."""
    out: dict[str, int | None] = {}
    for period in trends.periods:
        values = {c.reviewed for c in trends.cells if c.period == period}
        out[period] = values.pop() if len(values) == 1 else None
    return out


def trends_figure(trends: TrendFacts) -> Figure:
    """Draw one line per code group over the periods; tick labels carry each period's denominator.

    Args:
        trends: the trends facts (periods with no reviewed document are left as gaps).
    """
    from matplotlib.figure import Figure
    from matplotlib.ticker import PercentFormatter

    periods = trends.periods
    denominators = period_denominators(trends)
    family = font_families()
    fig = Figure(figsize=(6.8, 3.8), layout="constrained")
    ax = fig.add_subplot()
    markers = "os^Dv<>phX*"
    labels = dict(trends.groups)
    groups = [g for g, _ in trends.groups] or list(dict.fromkeys(c.group for c in trends.cells))
    for i, group in enumerate(groups):
        shares = {c.period: c.share for c in trends.cells if c.group == group}
        ys = [shares.get(p) for p in periods]
        ax.plot(
            range(len(periods)),
            [float("nan") if y is None else y for y in ys],
            marker=markers[i % len(markers)],
            markersize=5,
            linewidth=1.6,
            label=labels.get(group) or group,
        )
    ticks = [p if denominators[p] is None else f"{p}\nn = {num(denominators[p] or 0)}" for p in periods]
    ax.set_xticks(range(len(periods)), ticks, fontsize=8.5, family=family)
    ax.set_ylabel("Share of reviewed documents", fontsize=9.5, family=family)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.tick_params(axis="y", labelsize=8.5)
    ax.set_ylim(-0.02, 1.02)
    ax.set_yticks([0.0, 0.2, 0.4, 0.6, 0.8, 1.0])
    ax.grid(True, axis="y", linewidth=0.4, alpha=0.5)
    ax.spines[["top", "right"]].set_visible(False)
    if groups:
        ax.legend(
            frameon=False, fontsize=8.5, loc="upper left", bbox_to_anchor=(1.01, 1.0), prop={"family": family}
        )
    return fig


def render_trends(trends: TrendFacts, fmt: str = "svg", *, dpi: int = 300) -> bytes:
    """The trends figure as the bytes of an svg, png or pdf file.

    Raises:
        ExportError: an unknown format.
    """
    fmt = fmt.lower().lstrip(".")
    if fmt not in FORMATS:
        raise ExportError(f"Cannot draw the trends figure as {fmt!r}. Available: {', '.join(FORMATS)}")
    import matplotlib

    with matplotlib.rc_context({"svg.fonttype": "none", "pdf.fonttype": 42, "svg.hashsalt": "reviewkit"}):
        fig = trends_figure(trends)
        buf = io.BytesIO()
        meta: dict[str, Any] = {"Creator": "reviewkit"}
        if fmt == "svg":
            meta["Date"] = None
        with quiet_glyph_warnings():
            fig.savefig(buf, format=fmt, dpi=dpi, metadata=meta)
    return buf.getvalue()
