"""Provides the PRISMA 2020 flow diagram (new reviews, databases and registers) as a figure and as JSON.

The layout follows the PRISMA 2020 template: a header over the flow, the phases Identification,
Screening and Included as vertical bars on the left, the main flow in the left column and the
records or reports leaving it in the right column. Boxes and arrows carry SVG ids
(``prisma-box-<key>``, ``prisma-text-<key>``, ``prisma-arrow-<n>``, ``prisma-label-<key>``) so tests
and style sheets can find them.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reviewkit.errors import ExportError
from reviewkit.report.facts import PrismaCounts
from reviewkit.report.text import font_families, num, quiet_glyph_warnings, wrap

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

FORMATS = ("svg", "png", "pdf")
HEADER = "Identification of studies via databases and registers"
PHASES = ("Identification", "Screening", "Included")
BOX_KEYS = (
    "identified", "removed", "screened", "excluded", "sought",
    "not-retrieved", "assessed", "excluded-reports", "included",
)  # fmt: skip
"""The content boxes, main column and exclusion column interleaved row by row."""
ARROWS = 8
"""Four arrows down the main column, four across to the exclusions."""

FONT_PT = 9.0
HEAD_PT = 10.0
LINE_IN = FONT_PT * 1.3 / 72
PAD_IN = 0.09
WIDTH_IN = 7.0
"""The figure's width: an A4 page's text width, so print keeps the text at about 9 pt."""
PHASE_X, PHASE_W = 0.08, 0.32
LEFT_X, LEFT_W = 0.55, 2.98
RIGHT_X, RIGHT_W = 3.88, 3.04
GAP_IN = 0.34
EDGE = "#222222"
PHASE_FILL = "#cfe2f3"
HEADER_FILL = "#fbe5a6"


def n_eq(n: int) -> str:
    """The template's count notation: 12 -> "(n = 12)"."""
    return f"(n = {num(n)})"


def box_texts(c: PrismaCounts) -> dict[str, list[str]]:
    """The lines of every content box (before wrapping), keyed as `BOX_KEYS`."""
    identified = ["Records identified from:", f"Databases {n_eq(c.identified_databases)}"]
    identified += [f"• {label} {n_eq(n)}" for label, n in c.databases]
    identified.append(f"Registers {n_eq(c.identified_registers)}")
    identified += [f"• {label} {n_eq(n)}" for label, n in c.registers]
    removed = [
        "Records removed before screening:",
        f"Duplicate records removed {n_eq(c.duplicates)}",
        f"• automatically {n_eq(c.duplicates_automatic)}",
        f"• by a reviewer {n_eq(c.duplicates_manual)}",
    ]
    if c.ineligible_automation:
        removed.append(f"Records marked as ineligible by automation tools {n_eq(c.ineligible_automation)}")
    removed.append(f"Records removed for other reasons {n_eq(c.removed_other)}")
    excluded_reports = [
        f"Reports excluded {n_eq(c.excluded_eligibility)}" + (":" if c.excluded_reasons else "")
    ]
    excluded_reports += [f"• {reason} {n_eq(n)}" for reason, n in c.excluded_reasons]
    included = [f"Studies included in review {n_eq(c.included)}"]
    if c.included_reports is not None:
        included.append(f"Reports of included studies {n_eq(c.included_reports)}")
    return {
        "identified": identified,
        "removed": removed,
        "screened": [f"Records screened {n_eq(c.screened)}"],
        "excluded": [f"Records excluded {n_eq(c.excluded_screening)}"],
        "sought": [f"Reports sought for retrieval {n_eq(c.sought)}"],
        "not-retrieved": [f"Reports not retrieved {n_eq(c.not_retrieved)}"],
        "assessed": [f"Reports assessed for eligibility {n_eq(c.assessed)}"],
        "excluded-reports": excluded_reports,
        "included": included,
    }


def prisma_json(counts: PrismaCounts) -> dict[str, Any]:
    """The numbers of the flow diagram as a JSON-ready dict (the same numbers the figure prints).

    Args:
        counts: the flow's counts.

    Returns:
        {"identification": {...}, "screening": {...}, "included": {...}, "inconsistencies": [...]}.
    """
    c = counts
    return {
        "identification": {
            "records_identified": c.identified,
            "databases": [{"label": label, "n": n} for label, n in c.databases],
            "databases_total": c.identified_databases,
            "registers": [{"label": label, "n": n} for label, n in c.registers],
            "registers_total": c.identified_registers,
            "removed_before_screening": {
                "total": c.removed_before_screening,
                "duplicates": c.duplicates,
                "duplicates_automatic": c.duplicates_automatic,
                "duplicates_manual": c.duplicates_manual,
                "ineligible_automation": c.ineligible_automation,
                "other_reasons": c.removed_other,
            },
        },
        "screening": {
            "records_screened": c.screened,
            "records_excluded": c.excluded_screening,
            "reports_sought": c.sought,
            "reports_not_retrieved": c.not_retrieved,
            "reports_assessed": c.assessed,
            "reports_excluded": c.excluded_eligibility,
            "reports_excluded_reasons": [{"reason": r, "n": n} for r, n in c.excluded_reasons],
        },
        "included": {"studies": c.included, "reports": c.included_reports},
        "inconsistencies": c.check(),
    }


@dataclass
class _Box:
    key: str
    lines: list[str]
    x: float
    w: float
    y: float = 0.0
    h: float = 0.0


def _measure() -> Any:
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    prop = FontProperties(family=font_families(), size=FONT_PT)
    ttp = TextToPath()

    def width(s: str) -> float:
        with quiet_glyph_warnings():
            return float(ttp.get_text_width_height_descent(s, prop, ismath=False)[0])

    return width


BULLET = "• "
HANG = "\u00a0" * 3
"""Non-breaking spaces (kept in SVG) that indent a bullet's continuation lines under its text."""


def _wrap_item(line: str, inner: float, width: Any) -> list[str]:
    """Wrap one line, never inside "(n = 12)"; a bullet's continuation lines hang under its text."""
    glue = "\x00"

    def measure(s: str) -> float:
        return float(width(s.replace(glue, " ")))

    line = line.replace("(n = ", f"(n{glue}={glue}")
    if line.startswith(BULLET):
        body = wrap(line[len(BULLET) :], inner - width(HANG), measure)
        lines = [BULLET + body[0], *(HANG + b for b in body[1:])]
    else:
        lines = wrap(line, inner, measure)
    return [x.replace(glue, " ") for x in lines]


def _layout(counts: PrismaCounts) -> tuple[list[tuple[_Box, _Box | None]], float]:
    """Rows of (main box, exclusion box) with positions in inches from the bottom, and the height."""
    width = _measure()
    texts = box_texts(counts)
    keys = [("identified", "removed"), ("screened", "excluded"), ("sought", "not-retrieved"),
            ("assessed", "excluded-reports"), ("included", None)]  # fmt: skip
    rows: list[tuple[_Box, _Box | None]] = []
    for left, right in keys:

        def box(key: str, x: float, w: float) -> _Box:
            inner = (w - 2 * PAD_IN) * 72
            lines = [part for line in texts[key] for part in _wrap_item(line, inner, width)]
            return _Box(key, lines, x, w)

        rows.append((box(left, LEFT_X, LEFT_W), box(right, RIGHT_X, RIGHT_W) if right else None))
    header_h = 0.36
    heights = [max(len(b.lines) for b in row if b) * LINE_IN + 2 * PAD_IN + 0.06 for row in rows]
    # a one-row phase (Identification, Included) must be tall enough for its rotated label
    for i, phase in ((0, PHASES[0]), (4, PHASES[2])):
        heights[i] = max(heights[i], width(phase) * HEAD_PT / FONT_PT * 1.1 / 72 + 0.25)
    total = 0.15 + header_h + GAP_IN * 0.6 + sum(heights) + GAP_IN * (len(rows) - 1) + 0.15
    y = total - 0.15 - header_h - GAP_IN * 0.6
    for row, h in zip(rows, heights, strict=True):
        y -= h
        for b in row:
            if b is not None:
                b.y, b.h = y, h
        y -= GAP_IN
    return rows, total


def _rounded(ax: Axes, x: float, y: float, w: float, h: float, gid: str, fill: str) -> None:
    from matplotlib.patches import FancyBboxPatch

    patch = FancyBboxPatch(
        (x, y), w, h, boxstyle="round,pad=0,rounding_size=0.05", linewidth=0.9, edgecolor=EDGE, facecolor=fill
    )
    patch.set_gid(gid)
    ax.add_patch(patch)


def _arrow(ax: Axes, start: tuple[float, float], end: tuple[float, float], n: int) -> None:
    from matplotlib.patches import FancyArrowPatch

    arrow = FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=11, linewidth=0.9, color=EDGE,
                            shrinkA=0, shrinkB=0)  # fmt: skip
    arrow.set_gid(f"prisma-arrow-{n}")
    ax.add_patch(arrow)


def prisma_figure(counts: PrismaCounts, *, strict: bool = True) -> Figure:
    """Draw the flow diagram as a matplotlib figure (A4 text width, 9 pt text).

    Args:
        counts: the flow's counts.
        strict: refuse a flow whose numbers do not add up (see `PrismaCounts.check`).

    Raises:
        ExportError: the counts are inconsistent (the message lists every inconsistency).
    """
    problems = counts.check()
    if strict and problems:
        raise ExportError("The PRISMA counts do not add up:\n  " + "\n  ".join(problems))
    from matplotlib.figure import Figure

    rows, height = _layout(counts)
    fig = Figure(figsize=(WIDTH_IN, height))
    ax = fig.add_axes((0.0, 0.0, 1.0, 1.0))
    ax.set_xlim(0, WIDTH_IN)
    ax.set_ylim(0, height)
    ax.set_axis_off()
    family = font_families()
    top = height - 0.15
    _rounded(ax, LEFT_X, top - 0.36, RIGHT_X + RIGHT_W - LEFT_X, 0.36, "prisma-label-header", HEADER_FILL)
    ax.text((LEFT_X + RIGHT_X + RIGHT_W) / 2, top - 0.18, HEADER, ha="center", va="center",
            fontsize=HEAD_PT, fontweight="bold", family=family)  # fmt: skip
    spans = {"Identification": rows[0:1], "Screening": rows[1:4], "Included": rows[4:5]}
    for phase, span in spans.items():
        y0 = span[-1][0].y
        y1 = span[0][0].y + span[0][0].h
        _rounded(ax, PHASE_X, y0, PHASE_W, y1 - y0, f"prisma-label-{phase.lower()}", PHASE_FILL)
        ax.text(PHASE_X + PHASE_W / 2, (y0 + y1) / 2, phase, rotation=90, ha="center", va="center",
                fontsize=HEAD_PT, fontweight="bold", family=family)  # fmt: skip
    arrows = 0
    for i, row in enumerate(rows):
        for b in row:
            if b is None:
                continue
            _rounded(ax, b.x, b.y, b.w, b.h, f"prisma-box-{b.key}", "white")
            t = ax.text(b.x + PAD_IN, b.y + b.h / 2, "\n".join(b.lines), ha="left", va="center",
                        fontsize=FONT_PT, family=family, linespacing=1.3)  # fmt: skip
            t.set_gid(f"prisma-text-{b.key}")
        main, side = row
        if side is not None:
            arrows += 1
            mid = main.y + main.h / 2
            _arrow(ax, (main.x + main.w, mid), (side.x, mid), arrows)
        if i + 1 < len(rows):
            arrows += 1
            below = rows[i + 1][0]
            cx = main.x + main.w / 2
            _arrow(ax, (cx, main.y), (cx, below.y + below.h), arrows)
    return fig


def render_prisma(counts: PrismaCounts, fmt: str = "svg", *, dpi: int = 300, strict: bool = True) -> bytes:
    """The flow diagram as the bytes of an svg, png or pdf file.

    Args:
        counts: the flow's counts.
        fmt: "svg" (text kept as text), "png" or "pdf".
        dpi: resolution of a png.
        strict: refuse inconsistent counts.

    Raises:
        ExportError: an unknown format, or inconsistent counts.
    """
    fmt = fmt.lower().lstrip(".")
    if fmt not in FORMATS:
        raise ExportError(f"Cannot draw the PRISMA flow as {fmt!r}. Available: {', '.join(FORMATS)}")
    import matplotlib

    with matplotlib.rc_context({"svg.fonttype": "none", "pdf.fonttype": 42, "svg.hashsalt": "reviewkit"}):
        fig = prisma_figure(counts, strict=strict)
        buf = io.BytesIO()
        meta: dict[str, Any] = {"Creator": "reviewkit"}
        if fmt == "svg":
            meta["Date"] = None
        with quiet_glyph_warnings():
            fig.savefig(buf, format=fmt, dpi=dpi, metadata=meta)
    return buf.getvalue()


def write_prisma(
    counts: PrismaCounts, path: Path, *, fmt: str | None = None, dpi: int = 300, strict: bool = True
) -> None:
    """Write the flow diagram to `path` (format from `fmt` or the file's suffix).

    Raises:
        ExportError: an unknown format, or inconsistent counts.
    """
    data = render_prisma(counts, fmt or path.suffix or "svg", dpi=dpi, strict=strict)
    path.write_bytes(data)
