"""Provides the methods section: `ReportFacts` in prose, as Markdown or as a self-contained HTML file.

Every number printed is a field of the facts, or a sum, difference or percentage of fields.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Literal

from reviewkit.errors import ExportError
from reviewkit.report.blocks import Block, FigureRef, Heading, Paragraph, Table, to_html, to_markdown
from reviewkit.report.facts import ReportFacts, TrendFacts
from reviewkit.report.figures import period_denominators
from reviewkit.report.limitations import limitations_text
from reviewkit.report.methods_screening import screening_blocks
from reviewkit.report.text import dec, frac_pct, num, pct, plural, were, words

SECTIONS = (
    "Data sources",
    "Deduplication",
    "Screening",
    "Codebook",
    "Automatic coding",
    "Human review",
    "Trends",
    "Limitations",
    "Appendix",
)
"""The level-2 headings of the methods section, in order."""

LANGUAGES = {"en": "English", "zh": "Chinese"}
"""Language codes of the gold files, in words."""

MAIN_TABLE_ROWS = 8
"""Tables longer than this (trend periods) go to the appendix."""

RULES = {
    "consensus": (
        "a code counted when the coders' consensus (or adjudicated) decision accepted it, and a document "
        "counted as reviewed when every passage of it had a consensus decision"
    ),
    "any": (
        "a code counted when any coder accepted it, and a document counted as reviewed when any coder had "
        "reviewed every passage of it"
    ),
    "suggested": (
        "a code counted when the tagger suggested it (at or above its threshold), and every document counted "
        "as reviewed"
    ),
}


def _rule_text(t: TrendFacts) -> str:
    if t.rule == "coder":
        return (
            f"a code counted when {t.coder} accepted it, and a document counted as reviewed when {t.coder} "
            f"had reviewed every passage of it"
        )
    return RULES[t.rule]


def _sources(f: ReportFacts) -> list[Block]:
    if not f.sources:
        return [Heading(2, "Data sources"), Paragraph("The project records no import of a database export.")]
    total = sum(s.records for s in f.sources)
    skipped = sum(s.skipped for s in f.sources)
    dates = sorted({s.imported_on for s in f.sources})
    when = f"on {dates[0]}" if len(dates) == 1 else f"between {dates[0]} and {dates[-1]}"
    text = (
        f"Records were exported from {words(list(dict.fromkeys(s.label for s in f.sources)))} and imported "
        f"into reviewkit {f.reviewkit_version} {when}. In total {plural(total, 'record')} {were(total)} read from "
        f"{plural(len(f.sources), 'export file')}"
    )
    text += (
        f"; {plural(skipped, 'unreadable record')} {were(skipped)} skipped and reported at import."
        if skipped
        else "."
    )
    headers = ("Source", "File", "Format", "Imported", "Records") + (("Skipped",) if skipped else ())
    rows = tuple(
        (s.label, s.file, s.format, s.imported_on.isoformat(), num(s.records))
        + ((num(s.skipped),) if skipped else ())
        for s in f.sources
    )
    numeric = (4, 5) if skipped else (4,)
    return [Heading(2, "Data sources"), Paragraph(text), Table("Imported sources", headers, rows, numeric)]


def _dedupe(f: ReportFacts) -> list[Block]:
    d = f.dedupe
    text = (
        f"{d.rule.rstrip('.')}. In all, {plural(d.automatic, 'duplicate')} {were(d.automatic)} merged automatically and "
        f"{num(d.manual)} by a reviewer"
    )
    if d.candidates_kept:
        text += f"; {plural(d.candidates_kept, 'candidate pair')} {were(d.candidates_kept)} reviewed and kept as distinct records"
    p = f.prisma
    parts = []
    if p is not None and p.ineligible_automation:
        parts.append(f"{plural(p.ineligible_automation, 'record')} marked as ineligible by automation tools")
    if p is not None and p.removed_other:
        parts.append(f"{plural(p.removed_other, 'record')} removed for other reasons")
    text += f". Before screening, {words(parts)} also left the corpus." if parts else "."
    text += f" This left {plural(f.documents, 'unique record')}."
    return [Heading(2, "Deduplication"), Paragraph(text)]


def _codebook(f: ReportFacts) -> list[Block]:
    c = f.codebook
    text = (
        f"Passages were coded against the deductive codebook “{c.name}”, version {c.version}, of "
        f"{plural(len(c.codes), 'code')}. Each code has an English and a Chinese label and a definition, "
        f"which guided the automatic coding and the coders alike."
    )
    rows = tuple((k.id, k.label, k.label_zh, k.definition) for k in c.codes)
    return [
        Heading(2, "Codebook"),
        Paragraph(text),
        Table(f"Codes of {c.name} {c.version}", ("Code", "Label", "中文", "Definition"), rows),
    ]


def _auto_coding(f: ReportFacts) -> list[Block]:
    a = f.auto_coding
    values = [t for _, t in a.thresholds]
    text = (
        f"Titles and abstracts were split into sentence passages, and reviewkit's tagger (version "
        f"{a.tagger_version}) scored {num(a.passages)} passages against every code by {a.method}, using the "
        f"sentence-embedding model {a.model}. A code was suggested when its score reached the code's threshold"
    )
    if values:
        text += f" (from {dec(min(values))} to {dec(max(values))}; per code in the appendix)"
    text += f"; the tagger made {plural(a.suggestions, 'suggestion')}."
    if a.decisions_learnt:
        text += f" It learnt from {plural(a.decisions_learnt, 'reviewer decision')} (accepted and rejected suggestions)."
    else:
        text += " It used the codebook alone and learnt from no reviewer decision."
    v = a.validation
    if v is not None:
        text += (
            f" Against the hand-coded gold file {v.gold_file} ({plural(v.passages, 'passage')}), it reached a "
            f"macro-averaged F1 of {dec(v.macro_f1)}, a micro-averaged F1 of {dec(v.micro_f1)} and a mean "
            f"Cohen's κ of {dec(v.mean_kappa)} (per code in the appendix)."
        )
        if v.by_language:
            parts = [f"{dec(f1)} on {plural(n, LANGUAGES.get(lang, lang) + ' passage')}" for lang, n, f1 in v.by_language]
            text += f" By language, the macro-averaged F1 was {words(parts)}."
        if v.registered_on is not None:
            text += f" The validation was registered in the project on {v.registered_on.isoformat()}"
            text += f" (gold file SHA-256 {v.sha256[:16]}…)." if v.sha256 else "."
    else:
        text += " The tagger was not validated against a hand-coded gold file."
    text += " Suggestions were only proposals: every code reported below was accepted by a coder."
    return [Heading(2, "Automatic coding"), Paragraph(text)]


def _review(f: ReportFacts) -> list[Block]:
    r = f.review
    n = len(r.coders)
    if not n:
        return [
            Heading(2, "Human review"),
            Paragraph(
                f"No coder had reviewed the tagger's suggestions on the {plural(r.documents_total, 'document')} "
                f"({plural(r.passages_total, 'passage')}) when this report was generated."
            ),
        ]
    who = (
        f"The coders, {words(list(r.coders))},"
        if n > 1
        else (f"The coder, {r.coders[0]}," if n else "A coder")
    )
    text = (
        f"{who} reviewed the suggestions in reviewkit's terminal review app, accepting or rejecting each "
        f"and adding codes the tagger had missed"
    )
    text += "; they worked blind to each other's decisions." if r.blind and n > 1 else "."
    text += (
        f" Of the {plural(r.documents_total, 'document')} and {plural(r.passages_total, 'passage')} coded, "
        f"{num(r.documents_reviewed)} documents ({pct(r.documents_reviewed, r.documents_total)}) and "
        f"{num(r.passages_reviewed)} passages ({pct(r.passages_reviewed, r.passages_total)}) were reviewed; "
        f"a document counted as reviewed when every passage of it was."
    )
    out: list[Block] = [Heading(2, "Human review"), Paragraph(text)]
    if r.agreement:
        out.append(
            Paragraph(
                f"Inter-coder agreement was computed on the {plural(r.overlap_documents, 'document')} that every "
                f"coder reviewed, per code, as Cohen's κ, Krippendorff's α (nominal) and percent agreement, "
                f"with κ read against the bands of Landis and Koch (1977)."
            )
        )
        rows = tuple(
            (a.code, num(a.units), dec(a.kappa), dec(a.alpha), frac_pct(a.percent), a.band)
            for a in r.agreement
        )
        out.append(
            Table(
                "Agreement between coders per code",
                ("Code", "Passages", "κ", "α", "Agreement", "Band"),
                rows,
                (1, 2, 3, 4),
            )  # fmt: skip
        )
    elif n == 1:
        out.append(Paragraph("Inter-coder agreement was not assessed: one coder reviewed the suggestions."))
    else:
        out.append(
            Paragraph("Inter-coder agreement was not assessed: no document was reviewed by every coder.")
        )
    if n > 1 or r.disagreements_resolved or r.disagreements_unresolved:  # one coder: nothing to disagree on
        out.append(
            Paragraph(
                f"Of the disagreements between coders, {num(r.disagreements_resolved)} were resolved by consensus "
                f"or adjudication and {num(r.disagreements_unresolved)} remained unresolved."
            )
        )
    return out


def _trend_table(t: TrendFacts) -> Table:
    denominators = period_denominators(t)
    uniform = all(v is not None for v in denominators.values())
    labels = dict(t.groups)
    groups = [g for g, _ in t.groups] or list(dict.fromkeys(c.group for c in t.cells))
    cells = {(c.period, c.group): c for c in t.cells}
    published = {c.period: c.published for c in t.cells}
    with_published = uniform and all(v is not None for v in published.values())
    rows = []
    for period in t.periods:
        reviewed = num(denominators[period] or 0)
        if with_published:
            reviewed += f" / {num(published[period] or 0)}"
        row = [period] + ([reviewed] if uniform else [])
        for g in groups:
            c = cells.get((period, g))
            if c is None:
                row.append("–")
            elif uniform:
                row.append(f"{num(c.coded)} ({pct(c.coded, c.reviewed)})")
            else:
                row.append(f"{num(c.coded)}/{num(c.reviewed)} ({pct(c.coded, c.reviewed)})")
        rows.append(tuple(row))
    den = "Reviewed / published" if with_published else "Reviewed"
    headers = ("Period", *((den,) if uniform else ()), *(labels.get(g) or g for g in groups))
    return Table(
        "Reviewed documents per period, and those with each code group (share of reviewed)",
        headers,
        tuple(rows),
        tuple(range(1, len(headers))),
    )


def _trends(f: ReportFacts) -> tuple[list[Block], list[Block]]:
    t = f.trends
    out: list[Block] = [Heading(2, "Trends")]
    if t is None:
        out.append(Paragraph("No trends were computed: no reviewed document had a publication year."))
        return out, []
    dens = [c.reviewed for c in t.cells]
    source = f" (source {t.source})" if t.source else ""
    text = (
        f"Trends were computed over reviewed documents only: for each period and code group, the share of "
        f"reviewed documents{source} carrying at least one accepted code of the group. As the rule, {_rule_text(t)}."
    )
    if dens:
        text += f" The denominators ranged from {num(min(dens))} to {plural(max(dens), 'reviewed document')} per period"
        text += (
            f"; {plural(t.documents_unreviewed, 'document')} with a publication year {were(t.documents_unreviewed)} not reviewed and "
            f"enter no share."
            if t.documents_unreviewed
            else "."
        )
    out += [Paragraph(text), FigureRef(
        "trends",
        "Share of reviewed documents with each code group per period (n: reviewed documents, the denominator).",
        "Line chart of code-group shares per period",
    )]  # fmt: skip
    table = _trend_table(t)
    if len(table.rows) <= MAIN_TABLE_ROWS:
        return [*out, table], []
    return out, [Heading(3, "Trends per period"), table]


def methods_blocks(facts: ReportFacts) -> list[Block]:
    """The methods section as blocks (title, the `SECTIONS` in order, appendix tables)."""
    f = facts
    blocks: list[Block] = [
        Heading(1, f"Methods: {f.project}"),
        Paragraph(
            f"Generated by reviewkit {f.reviewkit_version} on {f.generated_on.isoformat()} from the project "
            f"file. Adapt the wording; every number comes from the project.",
            note=True,
        ),
    ]
    blocks += _sources(f) + _dedupe(f) + screening_blocks(f) + _codebook(f) + _auto_coding(f) + _review(f)
    trend_blocks, trend_appendix = _trends(f)
    blocks += trend_blocks
    blocks += [Heading(2, "Limitations"), Paragraph(limitations_text(f))]
    blocks.append(Heading(2, "Appendix", appendix=True))
    a = f.auto_coding
    labels = {c.id: c.label for c in f.codebook.codes}
    if a.thresholds:
        thresholds = tuple((code, labels.get(code, ""), dec(t)) for code, t in a.thresholds)
        blocks += [Heading(3, "Thresholds per code"),
                   Table("Decision threshold of the tagger per code", ("Code", "Label", "Threshold"), thresholds,
                         (2,))]  # fmt: skip
    if a.validation is not None and a.validation.per_code:
        rows = tuple(
            (v.code, num(v.positives), dec(v.precision), dec(v.recall), dec(v.f1), dec(v.kappa))
            for v in a.validation.per_code
        )
        blocks += [
            Heading(3, "Validation per code"),
            Table(f"The tagger against {a.validation.gold_file}",
                  ("Code", "Gold positives", "Precision", "Recall", "F1", "κ"), rows, (1, 2, 3, 4, 5)),
        ]  # fmt: skip
    return blocks + trend_appendix


def _figures(facts: ReportFacts, fmt: str, dpi: int) -> dict[str, bytes]:
    from reviewkit.report.figures import render_trends
    from reviewkit.report.prisma import render_prisma

    out: dict[str, bytes] = {}
    if facts.prisma is not None:
        out["prisma"] = render_prisma(facts.prisma, fmt, dpi=dpi)
    if facts.trends is not None and facts.trends.cells:
        out["trends"] = render_trends(facts.trends, fmt, dpi=dpi)
    return out


def methods_markdown(facts: ReportFacts, figures: Mapping[str, str] | None = None) -> str:
    """The methods section as Markdown.

    Args:
        facts: the project's facts.
        figures: "prisma"/"trends" -> the image path the Markdown links (drawn by the caller, e.g. with
            `write_methods`); figures not given are left out.
    """
    return to_markdown(methods_blocks(facts), figures or {})


def methods_html(facts: ReportFacts, *, figure_format: Literal["svg", "png"] = "svg", dpi: int = 200) -> str:
    """The methods section as one self-contained HTML file, figures embedded as data: URIs.

    Raises:
        ExportError: the PRISMA counts do not add up.
    """
    mime = {"svg": "image/svg+xml", "png": "image/png"}[figure_format]
    figs = {k: (mime, v) for k, v in _figures(facts, figure_format, dpi).items()}
    return to_html(methods_blocks(facts), f"Methods: {facts.project}", figs)


def write_methods(facts: ReportFacts, path: Path, *, figure_format: str = "svg") -> list[Path]:
    """Write the methods section to `path`: .html self-contained, .md with figures beside it.

    Args:
        facts: the project's facts.
        path: the report file (".md" or ".html").
        figure_format: "svg", "png" or "pdf" for the Markdown's figure files.

    Returns:
        Every file written, the report first.

    Raises:
        ExportError: an unknown suffix or figure format, or PRISMA counts that do not add up.
    """
    suffix = path.suffix.lower()
    if suffix in (".html", ".htm"):
        path.write_text(methods_html(facts), encoding="utf-8")
        return [path]
    if suffix != ".md":
        raise ExportError(f"Cannot write the methods section as {path.name}: use a .md or .html file name.")
    written = [path]
    links: dict[str, str] = {}
    for key, data in _figures(facts, figure_format, 300).items():
        fig = path.with_name(f"{path.stem}-{key}.{figure_format}")
        fig.write_bytes(data)
        links[key] = fig.name
        written.append(fig)
    path.write_text(methods_markdown(facts, links), encoding="utf-8")
    return written
