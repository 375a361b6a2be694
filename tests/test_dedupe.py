"""The duplicate rules on records (no store), the blocking helper, and one import end to end."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz

from reviewkit.cli import cli
from reviewkit.dedupe import (
    BlockItem,
    Verdict,
    blocking_keys,
    candidate_pairs,
    conflicts,
    decide,
    merge_records,
    normalize_title,
)
from reviewkit.records import Record

TITLE = "Regional innovation systems and the upgrading of industrial clusters in emerging economies"


def rec(**kw: object) -> Record:
    base: dict[str, object] = {"title": TITLE, "year": 2012}
    base.update(kw)
    return Record(**base)  # type: ignore[arg-type]


# -- the same work --------------------------------------------------------------------------------
def test_same_doi_same_title_merges() -> None:
    d = decide(rec(doi="10.1/abc", journal="Regional Studies"), rec(doi="10.1/abc", year=2013))
    assert (d.verdict, d.reason) == (Verdict.AUTO_MERGE, "same DOI")  # online-first vs print year


def test_same_title_and_year_merges_and_one_missing_doi_is_no_conflict() -> None:
    d = decide(rec(doi="10.1/abc", volume="12", pages="1-20"), rec(volume="Vol. 12", pages="1–20"))
    assert (d.verdict, d.reason, d.similarity) == (Verdict.AUTO_MERGE, "same title and year", 100.0)
    d = decide(rec(title=TITLE + "."), rec(title=TITLE.replace("clusters", "cluster")))
    assert d.verdict is Verdict.AUTO_MERGE and d.reason.startswith("similar title (")


def test_pages_compare_by_first_page() -> None:
    assert conflicts(rec(pages="123-130"), rec(pages="123–30")) == []
    assert conflicts(rec(pages="pp. 123"), rec(pages="123-130")) == []
    assert conflicts(rec(pages="123-130"), rec(pages="124-130")) == ["pages 123-130 vs 124-130"]


# -- new rules: a person decides ------------------------------------------------------------------
def test_proceedings_volumes_are_never_merged_automatically() -> None:
    title = "Proceedings of the Annual Conference of the Regional Studies Association"
    vols = [Record(title=title, year=2019, volume=str(v), type="conference-paper") for v in range(1, 5)]
    for other in vols[1:]:
        d = decide(other, vols[0])
        assert d.verdict is Verdict.ASK_A_PERSON
        assert d.reason == f"same title and year but volume {other.volume} vs 1"


@pytest.mark.parametrize(
    "field,a,b", [("volume", "3", "4"), ("issue", "1", "2"), ("pages", "10-20", "30-40")]
)
def test_differing_volume_issue_or_pages_ask_a_person(field: str, a: str, b: str) -> None:
    d = decide(rec(**{field: a}), rec(**{field: b}))
    assert d.verdict is Verdict.ASK_A_PERSON and f"{field} {a} vs {b}" in d.reason
    assert decide(rec(**{field: a}), rec()).verdict is Verdict.AUTO_MERGE  # one side empty: no conflict


@pytest.mark.parametrize(
    "a,b",
    [
        (Record(title="Handbook of Regional Innovation and Growth", year=2011, doi="10.4337/9780857936684",
                type="book"),
         Record(title="Handbook of Regional Innovation and Growth", year=2011, doi="10.4337/9780857936684.00010",
                type="chapter")),
        (Record(title="Clinical guideline for the management of type 2 diabetes", year=2020, doi="10.1/guideline"),
         Record(title="Clinical guideline for the management of type 2 diabetes", year=2020, doi="10.1/summary")),
        (Record(title="Cluster upgrading in global value chains: evidence from Vietnam", year=2018,
                doi="10.1/abstract.123"),
         Record(title="Cluster upgrading in global value chains: evidence from Vietnam", year=2018,
                doi="10.1/article.123")),
    ],
    ids=["book-and-chapter", "guideline-and-summary", "abstract-and-article"],
)  # fmt: skip
def test_conflicting_dois_are_different_works(a: Record, b: Record) -> None:
    d = decide(a, b)
    assert d.verdict is Verdict.DISTINCT and d.reason.startswith("different DOIs")


def test_same_doi_with_clearly_different_titles_asks_a_person() -> None:
    a = Record(title="Clusters and upgrading in Chinese industry", year=2010, doi="10.1/x")
    b = Record(title="Book reviews", year=2010, doi="10.1/x")
    d = decide(a, b)
    assert d.verdict is Verdict.ASK_A_PERSON and d.reason.startswith("same DOI but different titles")
    c = Record(title="Clusters and upgrading in Chinese industries", year=2010, doi="10.1/x", volume="3")
    d = decide(c, Record(title=a.title, year=2010, doi="10.1/x", volume="4"))
    assert d.verdict is Verdict.ASK_A_PERSON and d.reason == "same DOI but volume 3 vs 4"


# -- round-1 safeguards ---------------------------------------------------------------------------
def test_titles_differing_in_a_number_are_distinct() -> None:
    a = rec(title="Cluster policy in Europe, Part 1: origins and instruments of regional policy")
    b = rec(title="Cluster policy in Europe, Part 2: origins and instruments of regional policy")
    assert decide(a, b).verdict is Verdict.DISTINCT
    assert decide(rec(title="Study 3 of industrial districts"), rec(title="Study 13 of industrial districts")).verdict \
        is Verdict.DISTINCT  # fmt: skip


def test_short_titles_need_first_author_and_journal() -> None:
    a = Record(title="Editorial", year=2015, authors=("Smith, J.",), journal="Regional Studies")
    assert decide(a, Record(title="Editorial", year=2015, authors=("Smith, J.",), journal="Regional Studies")).verdict \
        is Verdict.AUTO_MERGE  # fmt: skip
    assert decide(a, Record(title="Editorial", year=2015, authors=("Jones, K.",), journal="Regional Studies")).verdict \
        is Verdict.DISTINCT  # fmt: skip
    assert decide(a, Record(title="Editorial", year=2015, authors=("Smith, J.",), journal="Urban Studies")).verdict \
        is Verdict.DISTINCT  # fmt: skip


def test_different_years_and_different_titles_are_distinct() -> None:
    assert decide(rec(), rec(year=2013)).verdict is Verdict.DISTINCT
    assert (
        decide(rec(), rec(title="Something else entirely about rural labour markets")).verdict
        is Verdict.DISTINCT
    )


def test_similar_title_below_the_threshold_asks_a_person() -> None:
    d = decide(rec(), rec(title="Regional innovation systems and upgrading of clusters in emerging markets"))
    assert d.verdict is Verdict.ASK_A_PERSON and 80 <= d.similarity < 95


def test_chinese_and_second_language_titles() -> None:
    a = Record(title="产业集群升级与区域创新系统研究", title_alt=TITLE, year=2012)
    b = Record(title=TITLE, year=2012)
    assert decide(a, b).verdict is Verdict.AUTO_MERGE  # the English title of a Chinese paper
    assert decide(a, Record(title="产业集群升级与区域创新系统研究", year=2012)).verdict is Verdict.AUTO_MERGE


def test_merge_records_keeps_the_richer_record_and_fills_gaps() -> None:
    poor = rec(doi="10.1/abc", keywords=("cluster",))
    rich = rec(abstract="A long abstract.", journal="Regional Studies", keywords=("upgrading", "cluster"))
    merged = merge_records(poor, rich)
    assert (merged.abstract, merged.journal, merged.doi) == (
        "A long abstract.",
        "Regional Studies",
        "10.1/abc",
    )
    assert merged.keywords == ("upgrading", "cluster")


# -- blocking -------------------------------------------------------------------------------------
_SYLLABLES = "ba ce di fo gu ha ke li mo nu pa re si to vu wa xe yi zo ru".split()
WORDS = sorted({"".join(random.Random(i).choices(_SYLLABLES, k=3)) for i in range(3000)})[:800]
"""A synthetic vocabulary of 800 words; titles mix them with common words, as real titles do."""
COMMON = ("the", "and", "of", "in", "for", "evidence", "from", "regional")


def _perturb(title: str, rnd: random.Random) -> str:
    words = title.split()
    i = rnd.randrange(len(words))
    choice = rnd.randrange(3)
    if choice == 0 and len(words[i]) > 3:  # a typo
        w = words[i]
        j = rnd.randrange(1, len(w) - 1)
        words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
    elif choice == 1:  # a dropped word
        del words[i]
    else:  # case and punctuation
        return title.upper().replace(" ", ", ", 1)
    return " ".join(words)


def _corpus(n: int, seed: int = 7) -> list[BlockItem]:
    rnd = random.Random(seed)
    items: list[BlockItem] = []
    for i in range(n):
        if i and rnd.random() < 0.2:
            prev = items[rnd.randrange(len(items))]
            items.append(BlockItem(i, prev.year, _perturb(prev.title, rnd)))
        else:
            n = rnd.randint(6, 12)
            title = " ".join(
                rnd.choice(COMMON) if rnd.random() < 0.3 else rnd.choice(WORDS) for _ in range(n)
            )
            items.append(BlockItem(i, rnd.randint(2000, 2004), title))
    return items


def test_blocking_finds_every_near_duplicate_without_comparing_all_pairs() -> None:
    items = _corpus(1500)
    pairs = candidate_pairs(items)
    norm = {it.id: normalize_title(it.title) for it in items}
    truth = {
        (a.id, b.id)
        for i, a in enumerate(items)
        for b in items[i + 1 :]
        if a.year == b.year and fuzz.ratio(norm[a.id], norm[b.id]) >= 80
    }
    assert len(truth) > 200  # the corpus has plenty of near-duplicates
    assert truth <= pairs
    all_pairs = len(items) * (len(items) - 1) // 2
    assert len(pairs) < all_pairs * 0.02, (len(pairs), all_pairs)


def test_blocking_keys_doi_and_year() -> None:
    items = [
        BlockItem(1, 2010, "Clusters and upgrading", doi="10.1/X"),
        BlockItem(2, 2011, "Book reviews", doi="10.1/x"),
        BlockItem(3, 2011, "Clusters and upgrading"),
        BlockItem(4, 2010, "产业集群升级"),
        BlockItem(5, 2010, "产业集群与升级"),
    ]
    keys = blocking_keys(items)
    assert ("doi", "10.1/x") in keys[1] and ("doi", "10.1/x") in keys[2]
    assert candidate_pairs(items) == {(1, 2), (4, 5)}  # same DOI; shared Chinese bigrams; never across years


# -- end to end -----------------------------------------------------------------------------------
def test_import_keeps_four_proceedings_volumes_and_dedupe_lists_them(tmp_path: Path) -> None:
    title = "Proceedings of the Annual Conference of the Regional Studies Association"
    ris = "".join(f"TY  - CONF\nTI  - {title}\nPY  - 2019\nVL  - {v}\nER  - \n\n" for v in range(1, 5))
    ris += "TY  - BOOK\nTI  - Handbook of Regional Innovation and Growth\nPY  - 2011\nDO  - 10.4337/9780857936684\nER  - \n\n"
    ris += ("TY  - CHAP\nTI  - Handbook of Regional Innovation and Growth\nPY  - 2011\n"
            "DO  - 10.4337/9780857936684.00010\nER  - \n\n")  # fmt: skip
    ris += "TY  - JOUR\nTI  - Clusters and upgrading in Chinese industry\nPY  - 2010\nDO  - 10.1080/00343404.2010.543210\nER  - \n\n"
    ris += "TY  - JOUR\nTI  - Book reviews\nPY  - 2010\nDO  - 10.1080/00343404.2010.543210\nER  - \n"
    path = tmp_path / "hostile-dupes.ris"
    path.write_text(ris, encoding="utf-8")
    db = str(tmp_path / "p.db")
    runner = CliRunner()
    result = runner.invoke(cli, ["import", str(path), "--db", db])
    assert result.exit_code == 0, result.output
    assert "8 records, 8 added, 0 merged duplicates" in result.output
    result = runner.invoke(cli, ["dedupe", "--json", "--db", db])
    assert result.exit_code == 0, result.output
    pairs = json.loads(result.output)
    proceedings = [p for p in pairs if p["title_a"] == p["title_b"] == title.lower()]
    assert len(proceedings) == 6  # every pair of the four volumes, for a person to judge
    assert {p["reason"] for p in proceedings} == {
        f"same title and year but volume {b} vs {a}" for a in range(1, 5) for b in range(a + 1, 5)
    }
    same_doi = [p for p in pairs if p["reason"].startswith("same DOI but different titles")]
    assert [(p["title_a"], p["title_b"]) for p in same_doi] == [
        ("Clusters and upgrading in Chinese industry", "Book reviews")
    ]
    # the book and its chapter (different DOIs) are listed for their equal titles, never merged
    assert any(p["title_a"] == "handbook of regional innovation and growth" for p in pairs)


# -- properties -----------------------------------------------------------------------------------
_TITLES = st.sampled_from(
    [TITLE, TITLE + ".", TITLE.replace("clusters", "cluster"), "Editorial", "Part 1 of the cluster story",
     "Part 2 of the cluster story", "产业集群升级与区域创新系统研究", ""]
)  # fmt: skip
_RECORDS = st.builds(
    Record,
    title=_TITLES,
    title_alt=_TITLES,
    year=st.sampled_from([None, 2012, 2013]),
    doi=st.sampled_from(["", "10.1080/1", "10.1080/2"]),
    volume=st.sampled_from(["", "1", "2"]),
    pages=st.sampled_from(["", "1-10", "11-20"]),
    authors=st.sampled_from([(), ("Smith, J.",), ("Jones, K.",)]),
    journal=st.sampled_from(["", "Regional Studies"]),
)


@given(_RECORDS, _RECORDS)
@settings(max_examples=300, deadline=None)
def test_the_verdict_does_not_depend_on_which_record_came_first(a: Record, b: Record) -> None:
    assert decide(a, b).verdict is decide(b, a).verdict
    if decide(a, b).verdict is Verdict.AUTO_MERGE:
        assert not [c for c in conflicts(a, b) if not c.startswith("DOI")]  # never merges a conflict


@given(_RECORDS)
@settings(max_examples=100, deadline=None)
def test_a_record_with_a_title_is_the_same_work_as_itself(a: Record) -> None:
    if normalize_title(a.title) or normalize_title(a.title_alt) or a.doi:
        assert decide(a, a).verdict is Verdict.AUTO_MERGE
