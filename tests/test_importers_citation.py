"""Tests of the GB/T 7714 parser and the citation-text importer (the seed paper's format)."""

from __future__ import annotations

from pathlib import Path

import pytest

from reviewkit.importers import detect_format, read_records
from reviewkit.importers.gbt7714 import parse_reference

SYN = Path(__file__).parent / "fixtures" / "synthetic"

SEED_ZH = "文嫮, 曾刚. 从地方到全球全球价值链框架下集群的升级研究[J]. 人文地理, 2005, 20(4): 21-25,18."
SEED_EN = (
    "WEN Hu, ZENG Gang. FROM LOCAL TO GLOBAL: THE CLUSTER UPGRADING RESEARCH IN GLOBAL VALUE CHAIN. "
    "HUMAN GEOGRAPHY, 2005, 20(4): 21-25,18."
)


def test_seed_imports_as_one_bilingual_record(shared_dir: Path) -> None:
    path = shared_dir / "seed" / "000_2e911615df68031a.txt"
    result = read_records(path)
    assert result.format == "citation" and detect_format(path) == "citation"
    (rec,) = result.records
    assert rec.title == "FROM LOCAL TO GLOBAL: THE CLUSTER UPGRADING RESEARCH IN GLOBAL VALUE CHAIN"
    assert rec.title_alt == "从地方到全球全球价值链框架下集群的升级研究"
    assert rec.abstract.startswith("The research of industrial cluster has changed from local to global")
    assert rec.abstract.endswith("analyses the sense of global value chain in China.")
    assert (rec.authors, rec.authors_alt) == (("WEN Hu", "ZENG Gang"), ("文嫮", "曾刚"))
    assert (rec.journal, rec.journal_alt) == ("HUMAN GEOGRAPHY", "人文地理")
    assert (rec.language, rec.language_alt) == ("en", "zh")
    assert (rec.year, rec.volume, rec.issue, rec.pages) == (2005, "20", "4", "21-25,18")
    assert rec.type == "journal-article"
    assert (rec.abstract_alt, rec.doi, rec.source_line) == ("", "", 1)
    assert rec.raw["references"] == [SEED_ZH, SEED_EN]


def test_seed_like_text_without_shared(tmp_path: Path) -> None:
    path = tmp_path / "paper.txt"
    path.write_text(f"Abstract:Clusters upgrade in chains.\n{SEED_ZH}\n{SEED_EN}", encoding="utf-8")
    (rec,) = read_records(path).records
    assert (rec.title, rec.title_alt) == (
        "FROM LOCAL TO GLOBAL: THE CLUSTER UPGRADING RESEARCH IN GLOBAL VALUE CHAIN",
        "从地方到全球全球价值链框架下集群的升级研究",
    )
    assert (rec.abstract, rec.language, rec.journal_alt) == ("Clusters upgrade in chains.", "en", "人文地理")


@pytest.mark.parametrize(
    ("line", "authors", "et_al", "title", "source", "year", "volume", "issue", "pages", "mark"),
    [
        (
            SEED_ZH,
            ("文嫮", "曾刚"),
            False,
            "从地方到全球全球价值链框架下集群的升级研究",
            "人文地理",
            2005,
            "20",
            "4",
            "21-25,18",
            "J",
        ),
        (
            "张三，李四，王五，等．产业集群升级研究：以浙江为例［J］．地理学报，2019（3）：1-9．",
            ("张三", "李四", "王五"),
            True,
            "产业集群升级研究：以浙江为例",
            "地理学报",
            2019,
            "",
            "3",
            "1-9",
            "J",
        ),
        (
            "SMITH J A, JONES K, et al. A title on clusters[J]. Journal of Economic Geography, 2001, 12: 33-40.",
            ("SMITH J A", "JONES K"),
            True,
            "A title on clusters",
            "Journal of Economic Geography",
            2001,
            "12",
            "",
            "33-40",
            "J",
        ),
        (
            "Humphrey J., Schmitz H. How does insertion in global value chains affect upgrading in industrial "
            "clusters? Regional Studies, 2002, 36(9): 1017-1027.",
            ("Humphrey J", "Schmitz H"),
            False,
            "How does insertion in global value chains affect upgrading in industrial clusters?",
            "Regional Studies",
            2002,
            "36",
            "9",
            "1017-1027",
            "",
        ),
        (
            "[3] 张辉等. 全球价值链下地方产业集群升级模式研究[J]. 中国工业经济, 2004, 5: 38-46.",
            ("张辉",),
            True,
            "全球价值链下地方产业集群升级模式研究",
            "中国工业经济",
            2004,
            "5",
            "",
            "38-46",
            "J",
        ),
        (
            "王五. 产业集群的新动向[N]. 人民日报, 2005-03-01(3).",
            ("王五",),
            False,
            "产业集群的新动向",
            "人民日报",
            2005,
            "",
            "",
            "3",
            "N",
        ),
    ],
)
def test_parse_reference(
    line: str,
    authors: tuple[str, ...],
    et_al: bool,
    title: str,
    source: str,
    year: int,
    volume: str,
    issue: str,
    pages: str,
    mark: str,
) -> None:
    ref = parse_reference(line)
    assert ref is not None
    assert (ref.authors, ref.et_al, ref.title, ref.source) == (authors, et_al, title, source)
    assert (ref.year, ref.volume, ref.issue, ref.pages, ref.mark) == (year, volume, issue, pages, mark)


def test_parse_reference_book_thesis_doi_and_non_references() -> None:
    book = parse_reference("王缉慈. 创新的空间: 企业集群与区域发展[M]. 北京: 北京大学出版社, 2001: 12-15.")
    assert book is not None
    assert (book.type, book.publisher, book.source, book.pages) == (
        "book",
        "北京: 北京大学出版社",
        "",
        "12-15",
    )
    thesis = parse_reference("李明. 集群升级[D]. 上海: 华东师范大学, 2010.")
    assert thesis is not None and thesis.type == "thesis" and thesis.year == 2010
    porter = parse_reference(
        "Porter M E. Clusters and the new economics of competition[J]. Harvard Business Review, "
        "1998, 76(6): 77-90. DOI: 10.1000/XYZ123."
    )
    assert porter is not None and porter.doi == "10.1000/xyz123" and porter.pages == "77-90"
    assert parse_reference("As shown by Porter, 1998.") is None
    assert parse_reference("In this paper we study upgrading of clusters in China, 2005, and more.") is None
    a = parse_reference(SEED_ZH)
    b = parse_reference(SEED_EN)
    assert a is not None and b is not None and a.agrees_with(b) and (a.language, b.language) == ("zh", "en")


def test_multi_paper_file() -> None:
    recs = read_records(SYN / "gbt_multi_paper.txt").records
    assert len(recs) == 4
    first, second, third, fourth = recs
    assert first.title.startswith("Local industrial clusters in the context of globalization")
    assert first.title_alt == "论全球化背景下的地方产业集群: 地方竞争优势的源泉"
    assert (first.language, first.issue, first.volume, first.pages) == ("en", "6", "", "28-36")
    assert first.keywords == ("industrial cluster", "global value chain", "upgrading")
    # A Chinese abstract first: Chinese primary fields, the English abstract as the alternate.
    assert (second.language, second.title) == ("zh", "全球价值链下地方产业集群升级模式研究")
    assert second.abstract.startswith("本文讨论") and second.abstract_alt.startswith("This paper discusses")
    assert second.authors_alt == ("ZHANG Hui", "LIU Ming", "WANG Wei") and second.raw["et_al"] is True
    assert (third.authors, third.abstract, third.source_line) == (("Humphrey J", "Schmitz H"), "", 11)
    assert fourth.title == "全球价值链治理与地方产业网络升级研究——以上海浦东集成电路产业网络为例"
    assert (fourth.journal, fourth.year, fourth.issue, fourth.pages) == ("中国工业经济", 2005, "7", "20-27")


def test_reference_list_pairs_matching_lines() -> None:
    recs = read_records(SYN / "gbt_reference_list.txt").records
    assert [r.source_line for r in recs] == [1, 3, 4, 5, 6]
    seed = recs[0]
    assert (seed.title, seed.language, seed.title_alt) == (
        "从地方到全球全球价值链框架下集群的升级研究",
        "zh",
        "FROM LOCAL TO GLOBAL: THE CLUSTER UPGRADING RESEARCH IN GLOBAL VALUE CHAIN",
    )
    assert recs[1].authors == ("Gereffi G", "Humphrey J", "Sturgeon T")
    assert recs[2].doi == "10.1000/hbr.1998.76"
    assert recs[3].type == "book"
    assert recs[4].authors == ("张三", "李四") and recs[4].volume == "29"


def test_lines_that_disagree_are_not_paired(tmp_path: Path) -> None:
    path = tmp_path / "refs.txt"
    other_en = SEED_EN.replace("20(4)", "21(4)")
    path.write_text(f"{SEED_ZH}\n{other_en}\n", encoding="utf-8")
    recs = read_records(path).records
    assert [(r.title_alt, r.language) for r in recs] == [("", "zh"), ("", "en")]


def test_stray_text_after_references_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "refs.txt"
    path.write_text(f"{SEED_ZH}\nthis line is no reference\n", encoding="utf-8")
    with pytest.raises(Exception, match=r"line 2 \(record 2\): not a GB/T 7714 reference line"):
        read_records(path, "citation")
    result = read_records(path, "citation", skip_bad=True)
    assert len(result.records) == 1 and result.skipped[0].line == 2
