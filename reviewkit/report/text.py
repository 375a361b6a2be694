"""Provides the number formats, word lists, line wrapping and font choice the report renderers share."""

from __future__ import annotations

import unicodedata
import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Droid Sans Fallback",
    "AR PL UMing CN",
    "SimHei",
    "Microsoft YaHei",
    "PingFang SC",
    "Hiragino Sans GB",
    "Arial Unicode MS",
)
"""Fonts with Chinese glyphs that figures fall back to, in order, when they are installed."""


def num(n: int) -> str:
    """An integer with thousands separators: 1234 -> "1,234"."""
    return f"{n:,}"


def dec(x: float | None, places: int = 2) -> str:
    """A coefficient with `places` decimals ("–" when undefined): 0.7312 -> "0.73"."""
    return "–" if x is None else f"{x:.{places}f}"


def pct(part: int, whole: int) -> str:
    """A share as a percentage with one decimal: (1, 8) -> "12.5%" ("–" when `whole` is 0)."""
    return "–" if not whole else f"{100 * part / whole:.1f}%"


def frac_pct(x: float | None) -> str:
    """A fraction as a percentage with one decimal: 0.934 -> "93.4%"."""
    return "–" if x is None else f"{100 * x:.1f}%"


def words(items: Sequence[str], conj: str = "and") -> str:
    """A list in prose: ["a"] -> "a"; ["a", "b", "c"] -> "a, b and c"."""
    items = [i for i in items if i]
    if len(items) <= 1:
        return items[0] if items else ""
    return f"{', '.join(items[:-1])} {conj} {items[-1]}"


def plural(n: int, one: str, many: str | None = None) -> str:
    """ "1 record", "2 records" (numbers formatted by `num`)."""
    return f"{num(n)} {one if n == 1 else (many or one + 's')}"


def were(n: int) -> str:
    """The past tense of "to be" agreeing with a count: "was" for 1, "were" otherwise."""
    return "was" if n == 1 else "were"


def _is_wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


def _tokens(text: str) -> list[str]:
    """Split into breakable pieces: words keep their trailing space; each CJK character stands alone."""
    out: list[str] = []
    cur = ""
    for ch in text:
        if _is_wide(ch):
            if cur:
                out.append(cur)
                cur = ""
            out.append(ch)
        elif ch == " ":
            cur += ch
            out.append(cur)
            cur = ""
        else:
            cur += ch
    if cur:
        out.append(cur)
    return out


def wrap(text: str, width: float, measure: Callable[[str], float]) -> list[str]:
    """Wrap `text` into lines no wider than `width` (a word longer than a line is kept whole).

    Args:
        text: the text; "\\n" forces a line break.
        width: the line width, in the unit of `measure`.
        measure: the width of a string (e.g. in points at the figure's font size).

    Returns:
        The lines, without trailing spaces.
    """
    lines: list[str] = []
    for para in text.split("\n"):
        line = ""
        for tok in _tokens(para):
            if line and measure((line + tok).rstrip()) > width:
                lines.append(line.rstrip())
                line = tok.lstrip()
            else:
                line += tok
        lines.append(line.rstrip())
    return lines


def font_families() -> list[str]:
    """The figure font list: DejaVu Sans, then every installed font of `CJK_FAMILIES` as fallback."""
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    return ["DejaVu Sans", *(f for f in CJK_FAMILIES if f in installed)]


def cjk_font_available() -> bool:
    """Whether a font with Chinese glyphs is installed (else PNG/PDF show boxes; SVG keeps the text)."""
    return len(font_families()) > 1


@contextmanager
def quiet_glyph_warnings() -> Iterator[None]:
    """Silence matplotlib's "Glyph … missing from font" warnings (CJK text with no CJK font)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r".*[Gg]lyph .* missing from", category=UserWarning)
        yield
