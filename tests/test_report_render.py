"""The report's rendering core: PRISMA 2020 figure and JSON, `check()`, the methods section in Markdown/HTML."""

from __future__ import annotations

import base64
import dataclasses
import re
import struct
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from lxml import etree, html

from reviewkit.errors import ExportError
from reviewkit.report.example import example_facts, example_prisma
from reviewkit.report.facts import (
    AutoCodingFacts,
    CodeAgreement,
    CodebookFacts,
    CodeFacts,
    CodeValidation,
    DedupeFacts,
    HumanReviewFacts,
    PrismaCounts,
    ReportFacts,
    ScreeningFacts,
    ScreeningStopFacts,
    SourceFacts,
    TrendCell,
    TrendFacts,
    ValidationFacts,
)
from reviewkit.report.figures import render_trends
from reviewkit.report.limitations import KEYS, limitations
from reviewkit.report.methods import methods_html, methods_markdown, write_methods
from reviewkit.report.prisma import ARROWS, BOX_KEYS, WIDTH_IN, prisma_json, render_prisma

SVG = "{http://www.w3.org/2000/svg}"
LONG_SOURCE = "Web of Science Core Collection, Social Sciences Citation Index and Emerging Sources"


def make_prisma() -> PrismaCounts:
    """Distinctive numbers that add up: 4611 identified, 1479 removed, 3132 screened, 112 included."""
    return PrismaCounts(
        databases=(("PubMed", 1307), ("Scopus", 2711), ("万方 Wanfang", 593)),
        duplicates_automatic=1409,
        duplicates_manual=57,
        removed_other=13,
        screened=3132,
        excluded_screening=2877,
        sought=255,
        not_retrieved=19,
        assessed=236,
        excluded_reasons=(("wrong population", 83), ("not empirical", 41)),
        included=112,
    )


def make_facts(**changes: Any) -> ReportFacts:
    """Facts with distinctive numbers; `changes` replace top-level fields."""
    codes = (
        CodeFacts(
            "trust.inter", "Interfirm trust", "企业间信任", "Firms rely on each other without contracts."
        ),
        CodeFacts("net.ties", "Network ties", "网络联系", "Repeated exchange links between firms."),
        CodeFacts("net.brokers", "Brokers", "中介", "Actors bridging otherwise separate groups."),
    )
    facts = ReportFacts(
        project="trust-review",
        generated_on=date(2027, 3, 14),
        reviewkit_version="0.1.0",
        sources=(
            SourceFacts("PubMed", "pubmed.nbib", "pubmed", date(2027, 2, 3), 1307),
            SourceFacts("Scopus", "scopus.csv", "csv", date(2027, 2, 3), 2711),
            SourceFacts("万方 Wanfang", "wanfang.txt", "noteexpress", date(2027, 2, 9), 593, skipped=13),
        ),
        documents=3132,
        dedupe=DedupeFacts("Records sharing a DOI were merged", 1409, 57, candidates_kept=23),
        screening=ScreeningFacts(
            ("mei", "tom", "ana"),
            True,
            3132,
            3132,
            255,
            2877,
            double_screened=641,
            kappa=0.83,
            kappa_band="almost perfect",
            conflicts_resolved=29,
            ranked=True,
            full_text=True,
        ),  # fmt: skip
        prisma=make_prisma(),
        codebook=CodebookFacts("trust-networks", "2.3", codes),
        auto_coding=AutoCodingFacts(
            model="bge-small-zh",
            tagger_version="1.4",
            passages=1733,
            suggestions=2917,
            thresholds=(("trust.inter", 0.37), ("net.ties", 0.42), ("net.brokers", 0.29)),
            decisions_learnt=4409,
            validation=ValidationFacts(
                "gold.jsonl",
                517,
                0.63,
                0.68,
                0.59,
                (
                    CodeValidation("trust.inter", 71, 0.72, 0.66, 0.69, 0.64),
                    CodeValidation("net.ties", 23, 0.58, 0.61, 0.57, 0.53),
                    CodeValidation("net.brokers", 5, 0.43, 0.31, 0.36, 0.27),
                ),
            ),
        ),  # fmt: skip
        review=HumanReviewFacts(
            coders=("mei", "tom"),
            blind=True,
            documents_reviewed=97,
            documents_total=112,
            passages_reviewed=1451,
            passages_total=1733,
            overlap_documents=33,
            agreement=(
                CodeAgreement("trust.inter", 301, 0.74, 0.73, 0.91, "substantial"),
                CodeAgreement("net.ties", 301, 0.39, 0.38, 0.86, "fair"),
            ),
            disagreements_resolved=44,
            disagreements_unresolved=6,
        ),  # fmt: skip
        trends=TrendFacts(
            rule="consensus",
            cells=tuple(
                TrendCell(p, g, r, c)
                for g, coded in (("trust", (11, 19, 13)), ("nets", (3, 25, 36)))
                for p, r, c in zip(("2001-2005", "2006-2010", "2011-2015"), (17, 38, 42), coded, strict=True)
            ),
            groups=(("trust", "Trust"), ("nets", "Networks")),
            documents_unreviewed=15,
        ),
        unreviewed_suggestions=761,
        few_positives=(("net.brokers", 5),),
        few_positives_below=12,
    )
    return dataclasses.replace(facts, **changes)


def clean_facts() -> ReportFacts:
    """Facts for which no limitation holds."""
    f = make_facts(unreviewed_suggestions=0, few_positives=())
    review = dataclasses.replace(
        f.review,
        documents_reviewed=112,
        passages_reviewed=1733,
        disagreements_unresolved=0,
        agreement=(f.review.agreement[0],),
    )
    return dataclasses.replace(f, review=review)


# ---------------------------------------------------------------- PRISMA figure


def _svg(counts: PrismaCounts) -> etree._Element:
    return etree.fromstring(render_prisma(counts, "svg"))


def _group_text(root: etree._Element, gid: str) -> str:
    (group,) = root.xpath(f"//*[@id='{gid}']")
    return " ".join(t.text or "" for t in group.iter(f"{SVG}text"))


def _ids(root: etree._Element, prefix: str) -> list[str]:
    return [i for i in root.xpath("//@id") if str(i).startswith(prefix)]


def _path_box(group: etree._Element) -> tuple[float, float, float, float]:
    nums = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", group.find(f"{SVG}path").get("d"))]
    xs, ys = nums[0::2], nums[1::2]
    return min(xs), min(ys), max(xs), max(ys)


def test_prisma_svg_has_the_template_boxes_arrows_and_every_count() -> None:
    counts = dataclasses.replace(make_prisma(), databases=(*make_prisma().databases[:2], (LONG_SOURCE, 593)))
    root = _svg(counts)
    assert sorted(_ids(root, "prisma-box-")) == sorted(f"prisma-box-{k}" for k in BOX_KEYS)
    assert len(_ids(root, "prisma-arrow-")) == ARROWS == 8
    assert sorted(_ids(root, "prisma-label-")) == sorted(
        [
            "prisma-label-header",
            "prisma-label-identification",
            "prisma-label-screening",
            "prisma-label-included",
        ]
    )
    texts = " ".join(t.text or "" for t in root.iter(f"{SVG}text"))
    for label in ("Identification of studies via databases and registers", "Identification", "Screening",
                  "Included"):  # fmt: skip
        assert label in texts
    expected = {
        "identified": ["Records identified from:", "Databases (n = 4,611)", "PubMed (n = 1,307)",
                       "Scopus (n = 2,711)", "Registers (n = 0)"],
        "removed": ["Records removed before screening:", "Duplicate records removed (n = 1,466)",
                    "automatically (n = 1,409)", "by a reviewer (n = 57)", "other reasons (n = 13)"],
        "screened": ["Records screened (n = 3,132)"],
        "excluded": ["Records excluded (n = 2,877)"],
        "sought": ["Reports sought for retrieval (n = 255)"],
        "not-retrieved": ["Reports not retrieved (n = 19)"],
        "assessed": ["Reports assessed for eligibility (n = 236)"],
        "excluded-reports": ["Reports excluded (n = 124):", "wrong population (n = 83)", "not empirical (n = 41)"],
        "included": ["Studies included in review (n = 112)"],
    }  # fmt: skip
    for key, parts in expected.items():
        text = _group_text(root, f"prisma-text-{key}")
        for part in parts:
            assert part in text, (key, part, text)
    # the long source name was wrapped onto several lines, every word kept
    lines = list(root.xpath("//*[@id='prisma-text-identified']")[0].iter(f"{SVG}text"))
    assert len(lines) > len(expected["identified"]) + 1
    assert " ".join(LONG_SOURCE.split()) in " ".join(" ".join(t.text or "" for t in lines).split())
    every_line = [t.text or "" for t in root.iter(f"{SVG}text")]
    assert not [t for t in every_line if t.rstrip().endswith(("(n", "=")) or t.lstrip().startswith("=")]


def test_wrap_breaks_chinese_between_characters_and_english_between_words() -> None:
    from reviewkit.report.text import wrap

    def cells(s: str) -> float:  # a monospace measure: wide (CJK) characters take two cells
        return float(sum(2 if "\u4e00" <= ch <= "\u9fff" else 1 for ch in s))

    text = "全球价值链中的地方产业集群升级研究 cluster upgrading in global value chains"
    lines = wrap(text, 12, cells)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert all(cells(line) <= 12 for line in lines)
    assert lines[0] == "全球价值链中" and "upgrading in" in lines


def test_prisma_text_sits_inside_its_box_and_columns_line_up() -> None:
    root = _svg(make_prisma())
    lefts, rights = [], []
    for key in BOX_KEYS:
        x0, y0, x1, y1 = _path_box(root.xpath(f"//*[@id='prisma-box-{key}']")[0])
        (lefts if key in ("identified", "screened", "sought", "assessed", "included") else rights).append(x0)
        for t in root.xpath(f"//*[@id='prisma-text-{key}']")[0].iter(f"{SVG}text"):
            if t.get("x") is not None:
                tx, ty = float(t.get("x")), float(t.get("y"))
            else:
                tx, ty = (float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", t.get("transform"))[:2])
            assert x0 < tx < x1 and y0 < ty < y1, (key, t.text)
            assert float(re.search(r"font-size: ([\d.]+)px", t.get("style")).group(1)) >= 8
    assert len(set(lefts)) == 1 and len(set(rights)) == 1 and lefts[0] < rights[0]


def test_prisma_keeps_chinese_source_names_as_text() -> None:
    assert "万方 Wanfang (n = 593)" in _group_text(_svg(make_prisma()), "prisma-text-identified")


@pytest.mark.parametrize("dpi", [100, 200])
def test_prisma_png_is_written_at_the_requested_dpi(dpi: int) -> None:
    data = render_prisma(make_prisma(), "png", dpi=dpi)
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert width == round(WIDTH_IN * dpi) and WIDTH_IN <= 7.0  # fits an A4 page's text width
    assert height > 0.6 * width
    phys = data.index(b"pHYs")
    assert struct.unpack(">I", data[phys + 4 : phys + 8])[0] == round(dpi / 0.0254)


def test_prisma_pdf_and_unknown_format() -> None:
    assert render_prisma(make_prisma(), "pdf").startswith(b"%PDF")
    with pytest.raises(ExportError, match="Available: svg, png, pdf"):
        render_prisma(make_prisma(), "gif")


def test_prisma_json_has_the_numbers_the_figure_prints() -> None:
    counts = make_prisma()
    data = prisma_json(counts)
    assert data["identification"]["records_identified"] == 4611
    assert data["identification"]["removed_before_screening"]["total"] == 1479
    assert data["screening"]["reports_excluded"] == 124
    assert data["included"] == {"studies": 112, "reports": None}
    assert data["inconsistencies"] == []
    numbers: list[int] = []

    def walk(v: Any) -> None:
        if isinstance(v, bool) or v is None:
            return
        if isinstance(v, int):
            numbers.append(v)
        elif isinstance(v, dict):  # the template prints no grand totals
            [walk(x) for k, x in v.items() if k not in ("total", "records_identified")]
        elif isinstance(v, list):
            [walk(x) for x in v]

    walk(data)
    texts = " ".join(t.text or "" for t in _svg(counts).iter(f"{SVG}text"))
    for n in numbers:
        if n or n == counts.identified_registers:
            assert f"(n = {n:,})" in texts, n


BROKEN = {
    "screened": ({"duplicates_manual": 60}, "Records screened (n = 3132) should equal"),
    "excluded": ({"excluded_screening": 2800}, "Records excluded (n = 2800) plus reports sought"),
    "sought": ({"not_retrieved": 20}, "Reports assessed for eligibility (n = 236) plus reports not retrieved (n = 20)"),
    "included": ({"included": 111}, "Studies included (n = 111) should equal reports assessed (n = 236)"),
    "negative": ({"duplicates_manual": -1, "duplicates_automatic": 1467}, "Duplicate records removed by a person is negative"),
    "reports": ({"included_reports": 100}, "Reports of included studies (n = 100) cannot be fewer"),
}  # fmt: skip


def test_check_passes_consistent_counts() -> None:
    assert make_prisma().check() == []
    assert example_prisma().check() == []


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_check_catches_each_inconsistency(case: str) -> None:
    changes, message = BROKEN[case]
    counts = dataclasses.replace(make_prisma(), **changes)
    problems = counts.check()
    assert len(problems) == 1 and problems[0].startswith(message), problems
    with pytest.raises(ExportError, match="do not add up"):
        render_prisma(counts, "svg")
    assert render_prisma(counts, "svg", strict=False).startswith(b"<?xml")


# ---------------------------------------------------------------- methods section

NUMBER = re.compile(r"(?<![\w.])\d[\d,]*(?:\.\d+)?%?")
DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
CITED = {"2020", "1977"}
"""Years of the works the prose cites by name: PRISMA 2020, Landis and Koch (1977)."""


def _tokens(text: str) -> list[str]:
    return [t.rstrip(",") for t in NUMBER.findall(DATE.sub(" ", text))]


def _fact_values(obj: Any) -> tuple[set[str], set[str], set[str]]:
    """(formatted numbers every report must print, numbers inside fact strings, ISO dates) of `obj`."""
    printed: set[str] = set()
    in_strings: set[str] = set()
    dates: set[str] = set()

    def walk(v: Any, name: str = "") -> None:
        if dataclasses.is_dataclass(v):
            for f in dataclasses.fields(v):
                walk(getattr(v, f.name), f.name)
        elif isinstance(v, tuple):
            for x in v:
                walk(x, name)
        elif isinstance(v, bool) or v is None:
            return
        elif isinstance(v, date):
            dates.add(v.isoformat())
        elif isinstance(v, int):
            printed.add(f"{v:,}")
        elif isinstance(v, float):
            printed.add(f"{100 * v:.1f}%" if name == "percent" else f"{v:.2f}")
        elif isinstance(v, str):
            in_strings.update(_tokens(v))

    walk(obj)
    return printed, in_strings, dates


def _derived(f: ReportFacts) -> set[str]:
    """Numbers the prose may compute from the facts: totals, counts of items, shares, remainders."""
    r, p = f.review, f.prisma
    assert p is not None and f.trends is not None
    values = {
        sum(s.records for s in f.sources), sum(s.skipped for s in f.sources), len(f.sources),
        len(f.codebook.codes), p.excluded_eligibility, p.identified, p.duplicates,
        r.documents_total - r.documents_reviewed,
    }  # fmt: skip
    out = {f"{v:,}" for v in values}
    out |= {f"{100 * a / b:.1f}%" for a, b in ((r.documents_reviewed, r.documents_total),
                                                (r.passages_reviewed, r.passages_total))}  # fmt: skip
    out |= {f"{100 * c.coded / c.reviewed:.1f}%" for c in f.trends.cells}
    return out


def _limitations_section(md: str) -> str:
    return md.split("## Limitations", 1)[1].split("## Appendix", 1)[0]


@pytest.mark.parametrize("build", [make_facts, example_facts], ids=["distinctive", "demo"])
def test_markdown_prints_every_fact_and_invents_no_number(build: Any) -> None:
    facts = build()
    md = methods_markdown(facts, {"prisma": "m-prisma.svg", "trends": "m-trends.svg"})
    printed, in_strings, dates = _fact_values(facts)
    tokens = _tokens(md)
    missing = sorted(n for n in printed if n not in tokens)
    assert not missing, f"fact numbers not printed: {missing}"
    assert all(d in md for d in dates)
    allowed = printed | in_strings | _derived(facts) | CITED
    invented = sorted({t for t in tokens if t not in allowed})
    assert not invented, f"numbers that come from no fact: {invented}"
    assert set(DATE.findall(md)) <= dates


def test_html_prints_every_fact_and_is_self_contained() -> None:
    facts = make_facts()
    doc = html.fromstring(methods_html(facts).encode("utf-8"))
    assert not doc.xpath("//script | //link | //iframe | //object")
    for el in doc.xpath("//*[@src or @href]"):
        ref = el.get("src") or el.get("href")
        assert not re.match(r"(?i)https?:|//", ref), ref
    images = doc.xpath("//img")
    assert len(images) == 2 and all(i.get("src").startswith("data:image/svg+xml;base64,") for i in images)
    assert all(i.get("alt") for i in images)
    prisma_svg = base64.b64decode(images[0].get("src").split(",", 1)[1]).decode("utf-8")
    assert "Records screened (n = 3,132)" in prisma_svg
    trends_svg = base64.b64decode(images[1].get("src").split(",", 1)[1]).decode("utf-8")
    assert "n = 17" in trends_svg and "Networks" in trends_svg
    for style in doc.xpath("//style"):
        assert "@media print" in style.text and "url(" not in style.text
        style.drop_tree()
    text = " ".join(doc.itertext())
    printed, in_strings, _ = _fact_values(facts)
    tokens = _tokens(text)
    assert not sorted(n for n in printed if n not in tokens)
    assert not sorted({t for t in tokens if t not in printed | in_strings | _derived(facts) | CITED})
    assert len(doc.xpath("//table")) == 6 and doc.xpath("//h2[@class='appendix']")


def test_html_can_embed_png_figures() -> None:
    doc = html.fromstring(methods_html(make_facts(), figure_format="png", dpi=60).encode("utf-8"))
    srcs = [i.get("src") for i in doc.xpath("//img")]
    assert len(srcs) == 2 and all(s.startswith("data:image/png;base64,iVBORw0KGgo") for s in srcs)


def test_methods_headings_structure() -> None:
    md = methods_markdown(make_facts())
    headings = [line for line in md.splitlines() if line.startswith("#")]
    assert headings == [
        "# Methods: trust-review",
        "## Data sources", "## Deduplication", "## Screening", "## Codebook", "## Automatic coding",
        "## Human review", "## Trends", "## Limitations", "## Appendix",
        "### Thresholds per code", "### Validation per code",
    ]  # fmt: skip
    assert "![" not in md  # no figure paths given, no figure links


def test_trends_are_shares_of_reviewed_documents_with_denominators() -> None:
    md = methods_markdown(make_facts())
    assert "| Period | Reviewed | Trust | Networks |" in md
    assert "| 2006-2010 | 38 | 19 (50.0%) | 25 (65.8%) |" in md
    assert "ranged from 17 to 42 reviewed documents" in md
    assert "15 documents with a publication year were not reviewed" in md


def test_uneven_denominators_and_long_trend_tables() -> None:
    cells = tuple(TrendCell(str(1990 + i), g, 10 + i + (g == "b"), i) for i in range(12) for g in ("a", "b"))
    facts = make_facts(trends=TrendFacts("coder", cells, (("a", "A"), ("b", "B")), coder="mei"))
    md = methods_markdown(facts)
    appendix = md.split("## Appendix", 1)[1]
    assert "### Trends per period" in appendix and "| 1993 | 3/13 (23.1%) | 3/14 (21.4%) |" in appendix
    assert "a code counted when mei accepted it" in md


def test_without_screening_or_trends() -> None:
    facts = make_facts(screening=None, prisma=None, trends=None)
    md = methods_markdown(facts, {"prisma": "p.svg", "trends": "t.svg"})
    assert "Records were not screened in reviewkit: all 3,132 documents were coded." in md
    assert "No trends were computed" in md and "![" not in md
    assert len(html.fromstring(methods_html(facts).encode()).xpath("//img")) == 0


def test_methods_refuses_an_inconsistent_flow() -> None:
    facts = make_facts(prisma=dataclasses.replace(make_prisma(), included=100))
    with pytest.raises(ExportError, match="Studies included"):
        methods_html(facts)


STOP = ScreeningStopFacts(date(2027, 2, 20), "carol", 3000, 120, "stop after 157 consecutive exclusions", True, 132)


def test_methods_states_an_early_stop_and_decisions_after_it() -> None:
    f = clean_facts()
    stopped = dataclasses.replace(f, screening=dataclasses.replace(f.screening, screened=3000, stop=STOP))
    text = " ".join(methods_markdown(stopped).split())
    assert (
        "Screening was stopped on 2027-02-20 by carol after 3,000 of 3,132 records (120 since the last inclusion; "
        "rule: stop after 157 consecutive exclusions); the remaining 132 records were not screened and are "
        "counted as excluded by automation tools." in text
    )
    assert "decided after the stop" not in text and "the model excluded no record by itself" not in text
    later = dataclasses.replace(stopped, screening=dataclasses.replace(stopped.screening, screened=3002))
    unmet = dataclasses.replace(later.screening, stop=dataclasses.replace(STOP, rule_met=False))
    text = " ".join(methods_markdown(dataclasses.replace(later, screening=unmet)).split())
    assert "consecutive exclusions, not yet reached);" in text
    assert "2 further records were decided after the stop." in text
    assert "Screening was stopped" not in " ".join(methods_markdown(f).split())


LIMITS: dict[str, tuple[Any, str]] = {
    "unscreened": (lambda f: dataclasses.replace(f, screening=dataclasses.replace(f.screening, screened=3000)),
                   "Of the 3,132 records, 132 were not screened"),
    "stopped-early": (lambda f: dataclasses.replace(f, screening=dataclasses.replace(f.screening, screened=3000, stop=STOP)),
                      "the 132 records left unscreened were excluded without a reviewer reading them"),
    "unreviewed-documents": (lambda f: dataclasses.replace(f, review=dataclasses.replace(f.review, documents_reviewed=97)),
                             "Of the 112 coded documents, 15 were not fully reviewed"),
    "unresolved": (lambda f: dataclasses.replace(f, review=dataclasses.replace(f.review, disagreements_unresolved=6)),
                   "6 disagreements between coders remained unresolved"),
    "unreviewed-suggestions": (lambda f: dataclasses.replace(f, unreviewed_suggestions=761),
                               "The tagger's 761 suggestions that no coder had accepted or rejected"),
    "no-agreement": (lambda f: dataclasses.replace(f, review=dataclasses.replace(f.review, coders=("mei",), agreement=())),
                     "single coder's judgement: inter-coder agreement could not be assessed"),
    "low-agreement": (lambda f: dataclasses.replace(f, review=dataclasses.replace(
                          f.review, agreement=(CodeAgreement("net.ties", 301, 0.19, 0.18, 0.8, "slight"),))),
                      "low for net.ties (κ = 0.19, slight)"),
    "few-positives": (lambda f: dataclasses.replace(f, few_positives=(("net.brokers", 5),)),
                      "fewer than 12 accepted passages — net.brokers (5 passages)"),
    "no-validation": (lambda f: dataclasses.replace(f, auto_coding=dataclasses.replace(f.auto_coding, validation=None)),
                      "precision and recall are unknown"),
}  # fmt: skip


def test_no_limitation_without_its_fact() -> None:
    facts = clean_facts()
    assert limitations(facts) == []
    section = _limitations_section(methods_markdown(facts))
    assert "records none of the limitations" in section
    for _, fragment in LIMITS.values():
        assert fragment not in section


@pytest.mark.parametrize("key", KEYS)
def test_each_limitation_appears_exactly_when_its_fact_holds(key: str) -> None:
    change, fragment = LIMITS[key]
    facts = change(clean_facts())
    assert [k for k, _ in limitations(facts)] == [key]
    section = _limitations_section(methods_markdown(facts))
    assert fragment in section and "records none of the limitations" not in section
    others = [frag for k, (_, frag) in LIMITS.items() if k != key]
    assert not [frag for frag in others if frag in section]


def test_unscreened_when_there_was_no_screening() -> None:
    facts = dataclasses.replace(clean_facts(), screening=None, prisma=None)
    assert [k for k, _ in limitations(facts)] == ["unscreened"]
    assert "off-topic records may remain among the 3,132 documents" in methods_markdown(facts)


def test_write_methods_markdown_with_figure_files_and_html(tmp_path: Path) -> None:
    written = write_methods(example_facts(), tmp_path / "methods.md", figure_format="png")
    assert [p.name for p in written] == ["methods.md", "methods-prisma.png", "methods-trends.png"]
    md = written[0].read_text(encoding="utf-8")
    assert "(methods-prisma.png)" in md and "(methods-trends.png)" in md
    assert all(p.stat().st_size > 10_000 for p in written[1:])
    (page,) = write_methods(example_facts(), tmp_path / "methods.html")
    assert page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    with pytest.raises(ExportError, match=r"use a \.md or \.html"):
        write_methods(example_facts(), tmp_path / "methods.docx")


def test_trends_figure_marks_each_period_denominator() -> None:
    root = etree.fromstring(render_trends(make_facts().trends, "svg"))  # type: ignore[arg-type]
    texts = [t.text or "" for t in root.iter(f"{SVG}text")]
    for period, n in (("2001-2005", 17), ("2006-2010", 38), ("2011-2015", 42)):
        assert period in texts and f"n = {n}" in texts
    assert "Share of reviewed documents" in texts


def test_importing_the_report_core_loads_no_matplotlib() -> None:
    code = (
        "import sys, reviewkit.report.methods, reviewkit.report.prisma, reviewkit.report.example\n"
        "print('matplotlib' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_html_marks_chinese_runs_for_font_choice() -> None:
    doc = html.fromstring(methods_html(make_facts()).encode("utf-8"))
    spans = [s.text for s in doc.xpath("//span[@lang='zh']")]
    assert "万方" in spans and "企业间信任" in spans
    assert "万方 Wanfang" in doc.text_content()


def test_report_package_keeps_its_layer() -> None:
    """reviewkit.report may import only records, errors and itself; matplotlib only inside functions."""
    import ast

    package = Path(__file__).resolve().parent.parent / "reviewkit" / "report"
    for path in sorted(package.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = (
                [a.name for a in node.names] if isinstance(node, ast.Import)
                else [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            )  # fmt: skip
            for name in names:
                if name.startswith("reviewkit"):
                    assert name.split(".")[1] in ("records", "errors", "report"), (path.name, name)
        top_level = [n for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom)]
        assert not [n for n in top_level if "matplotlib" in ast.dump(n)], path.name


def test_a_bare_project_still_reads_as_methods() -> None:
    f = make_facts(sources=(), screening=None, prisma=None, trends=None, unreviewed_suggestions=0, few_positives=(),
                   codebook=CodebookFacts("empty", "0.1", ()))  # fmt: skip
    f = dataclasses.replace(
        f,
        auto_coding=dataclasses.replace(f.auto_coding, validation=None, thresholds=(), decisions_learnt=0),
        review=HumanReviewFacts((), False, 0, 112, 0, 1733, 0, (), 0, 0),
    )
    md = methods_markdown(f)
    assert "The project records no import of a database export." in md
    assert "No coder had reviewed the tagger's suggestions on the 112 documents (1,733 passages)" in md
    assert "learnt from no reviewer decision" in md and "Thresholds per code" not in md
    assert [k for k, _ in limitations(f)] == [
        "unscreened",
        "unreviewed-documents",
        "no-agreement",
        "no-validation",
    ]
    assert html.fromstring(methods_html(f).encode()).xpath("//h2")
