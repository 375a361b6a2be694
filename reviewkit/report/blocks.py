"""Provides a small document model (headings, paragraphs, tables, figures) and its Markdown and HTML forms.

The methods section is built once as blocks; `to_markdown` and `to_html` render the same blocks, so
the two files say the same thing. The HTML is self-contained: figures are data: URIs and the style
sheet is inline (print-friendly, A4).
"""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Heading:
    """A section heading."""

    level: int
    """1 for the title, 2 for a section, 3 for a subsection."""
    text: str
    """The heading's text."""
    appendix: bool = False
    """Whether the heading opens the appendix (a new page in print)."""


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of prose."""

    text: str
    """The text (plain; no markup)."""
    note: bool = False
    """A note about the report itself rather than methods prose (rendered in small print)."""


@dataclass(frozen=True)
class Table:
    """A table with a caption."""

    caption: str
    """The caption, above the table."""
    headers: tuple[str, ...]
    """Column headers."""
    rows: tuple[tuple[str, ...], ...]
    """Rows of already formatted cells."""
    numeric: tuple[int, ...] = ()
    """Indexes of right-aligned (numeric) columns."""


@dataclass(frozen=True)
class FigureRef:
    """A figure, drawn by the caller and passed to the renderers by `key`."""

    key: str
    """The figure's key in the renderers' `figures` mapping (e.g. "prisma", "trends")."""
    caption: str
    """The caption, below the figure."""
    alt: str
    """Alternative text for screen readers."""


Block = Heading | Paragraph | Table | FigureRef

_MD_SPECIAL = str.maketrans({"*": "\\*", "`": "\\`", "<": "&lt;", "[": "\\[", "]": "\\]"})


def _md(text: str) -> str:
    return text.translate(_MD_SPECIAL)


def _md_cell(text: str) -> str:
    return " ".join(_md(text).split()).replace("|", "\\|") or " "


def _md_table(t: Table) -> list[str]:
    align = ["---:" if i in t.numeric else "---" for i in range(len(t.headers))]
    out = [f"*{_md(t.caption)}*", ""]
    out.append("| " + " | ".join(_md_cell(h) for h in t.headers) + " |")
    out.append("|" + "|".join(align) + "|")
    out += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in t.rows]
    return out


def to_markdown(blocks: Sequence[Block], figures: Mapping[str, str]) -> str:
    """Render blocks as GitHub-flavoured Markdown.

    Args:
        blocks: the document.
        figures: figure key -> the image's path or URL as the Markdown should link it; a figure
            whose key is missing is left out with its caption.

    Returns:
        The Markdown text, ending with a newline.
    """
    out: list[str] = []
    for b in blocks:
        if isinstance(b, Heading):
            out += ["#" * b.level + " " + _md(b.text), ""]
        elif isinstance(b, Paragraph):
            out += [f"*{_md(b.text)}*" if b.note else _md(b.text), ""]
        elif isinstance(b, Table):
            out += [*_md_table(b), ""]
        elif b.key in figures:
            out += [f"![{_md(b.alt)}]({figures[b.key]})", "", f"*{_md(b.caption)}*", ""]
    return "\n".join(out).rstrip() + "\n"


CSS = """
:root { color-scheme: light; }
body { font-family: "Source Serif 4", "Noto Serif", "Noto Serif CJK SC", "Songti SC", Georgia, serif;
  font-size: 11pt; line-height: 1.5; color: #111; max-width: 46em; margin: 2em auto; padding: 0 1.2em; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { font-size: 1.25em; margin-top: 1.6em; border-bottom: 1px solid #bbb; padding-bottom: 0.15em; }
h3 { font-size: 1.05em; margin-top: 1.2em; }
p { margin: 0.6em 0; text-align: left; hyphens: auto; }
p.note { font-size: 0.85em; color: #555; }
table { border-collapse: collapse; margin: 0.4em 0 1.2em; font-size: 0.9em; width: 100%; }
caption { caption-side: top; text-align: left; font-style: italic; padding-bottom: 0.3em; }
th, td { border-top: 1px solid #999; border-bottom: 1px solid #999; padding: 0.25em 0.5em;
  vertical-align: top; text-align: left; }
th { background: #f2f2f2; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
figure { margin: 1em 0 1.4em; }
figure img { display: block; max-width: 100%; height: auto; margin: 0 auto; }
figcaption { font-style: italic; font-size: 0.9em; margin-top: 0.4em; }
@page { size: A4; margin: 20mm 18mm; }
@media print {
  body { max-width: none; margin: 0; padding: 0; font-size: 10.5pt; }
  h2, h3 { break-after: avoid; }
  table, figure { break-inside: avoid; }
  h2.appendix { break-before: page; }
  th { background: none; }
}
""".strip()


def data_uri(mime: str, data: bytes) -> str:
    """A data: URI of `data` (base64)."""
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


_CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]+")


def _esc(text: str) -> str:
    """HTML-escape `text`, marking runs of Chinese as lang="zh" so browsers pick a Chinese font."""
    out, last = [], 0
    for m in _CJK.finditer(text):
        out += [html.escape(text[last : m.start()]), f'<span lang="zh">{html.escape(m.group())}</span>']
        last = m.end()
    return "".join([*out, html.escape(text[last:])])


def _html_table(t: Table) -> list[str]:
    def cell(tag: str, i: int, text: str) -> str:
        cls = ' class="num"' if i in t.numeric else ""
        return f"<{tag}{cls}>{_esc(text)}</{tag}>"

    out = ["<table>", f"<caption>{_esc(t.caption)}</caption>"]
    out.append("<thead><tr>" + "".join(cell("th", i, h) for i, h in enumerate(t.headers)) + "</tr></thead>")
    out.append("<tbody>")
    out += ["<tr>" + "".join(cell("td", i, c) for i, c in enumerate(row)) + "</tr>" for row in t.rows]
    out += ["</tbody>", "</table>"]
    return out


def to_html(
    blocks: Sequence[Block], title: str, figures: Mapping[str, tuple[str, bytes]], lang: str = "en"
) -> str:
    """Render blocks as one self-contained HTML file (inline CSS, figures as data: URIs, no scripts).

    Args:
        blocks: the document.
        title: the page title.
        figures: figure key -> (MIME type, image bytes); a figure whose key is missing is left out.
        lang: the document's language tag.

    Returns:
        The HTML text.
    """
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{html.escape(lang)}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(title)}</title>",
        f"<style>\n{CSS}\n</style>",
        "</head>",
        "<body>",
    ]
    for b in blocks:
        if isinstance(b, Heading):
            cls = ' class="appendix"' if b.appendix else ""
            out.append(f"<h{b.level}{cls}>{_esc(b.text)}</h{b.level}>")
        elif isinstance(b, Paragraph):
            cls = ' class="note"' if b.note else ""
            out.append(f"<p{cls}>{_esc(b.text)}</p>")
        elif isinstance(b, Table):
            out += _html_table(b)
        elif b.key in figures:
            mime, data = figures[b.key]
            out += [
                "<figure>",
                f'<img src="{data_uri(mime, data)}" alt="{html.escape(b.alt)}">',
                f"<figcaption>{_esc(b.caption)}</figcaption>",
                "</figure>",
            ]
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"
