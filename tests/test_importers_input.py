"""Tests of encodings, format detection and bad input (clear errors with lines; --skip-bad)."""

from __future__ import annotations

from pathlib import Path

import pytest

from reviewkit.errors import ImportFormatError
from reviewkit.importers import detect_format, read_records

SYN = Path(__file__).parent / "fixtures" / "synthetic"


@pytest.mark.parametrize(
    ("name", "encoding"),
    [
        ("ris_utf8.ris", "utf-8"),
        ("ris_utf8_bom.ris", "utf-8-sig"),
        ("ris_utf16.ris", "utf-16"),
        ("ris_utf16be_nobom.ris", "utf-16-be"),
        ("ris_gbk.ris", "gb18030"),
    ],
)
def test_same_records_in_every_encoding(name: str, encoding: str) -> None:
    result = read_records(SYN / name)
    assert result.encoding == encoding
    assert result.format == "ris"
    first, second = result.records
    assert first.title == "集群升级与全球价值链"
    assert first.title_alt == "Cluster upgrading and global value chains"
    assert (first.language, first.language_alt) == ("zh", "en")
    assert first.authors == ("曾刚", "Wen, Hu")
    assert (first.journal, first.year, first.pages) == ("人文地理", 2006, "1-6")
    assert (second.title, second.source_line) == ("Second record", 15)


def test_gb18030_character_outside_gbk() -> None:
    result = read_records(SYN / "endnote_gb18030.enw")
    assert (result.encoding, result.format) == ("gb18030", "endnote")
    (rec,) = result.records
    assert rec.title == "𠮷祥产业集群的网络结构与升级"
    assert rec.title_alt == "The network structure and upgrading of the Jixiang industrial cluster"
    assert rec.doi == "10.13249/j.cnki.sgs.2009.02.153"


def test_cnki_refworks_utf8_and_gbk() -> None:
    utf8 = read_records(SYN / "cnki_refworks.txt")
    gbk = read_records(SYN / "cnki_refworks_gbk.txt")
    assert (utf8.format, gbk.format) == ("refworks", "refworks")
    assert (utf8.encoding, gbk.encoding) == ("utf-8", "gb18030")
    assert [r.title for r in utf8.records] == [r.title for r in gbk.records]
    article, thesis, conference = utf8.records
    assert article.title == "从地方到全球:全球价值链框架下集群的升级研究"
    assert article.authors == ("文嫮", "曾刚")
    assert (article.journal, article.year, article.volume, article.issue) == ("人文地理", 2005, "20", "04")
    assert article.pages == "21-25,18"
    assert article.keywords == ("集群", "全球价值链", "升级", "新区域主义")
    assert article.title_alt.startswith("From Local to Global")
    assert article.abstract.count("\n") == 1  # the continuation line is kept
    assert (thesis.type, conference.type) == ("thesis", "conference-paper")
    assert conference.pages == "112-118" and conference.doi == "10.12345/cgs.2008.0112"


def test_noteexpress_bilingual_fields() -> None:
    zh, en = read_records(SYN / "noteexpress_bilingual.net").records
    assert (zh.title, zh.language) == ("全球价值链下地方产业集群升级模式研究", "zh")
    assert zh.title_alt == "Upgrading models of local industrial clusters in global value chains"
    assert (zh.authors, zh.authors_alt) == (("张辉", "刘明"), ("ZHANG Hui", "LIU Ming"))
    assert (zh.journal, zh.journal_alt) == ("中国工业经济", "China Industrial Economics")
    assert zh.abstract_alt.startswith("This paper discusses") and zh.language_alt == "en"
    assert (en.language, en.title_alt, en.language_alt) == ("en", "苏州电子产业集群的集体学习", "zh")


def test_jsonl_and_tsv() -> None:
    zh, en = read_records(SYN / "records.jsonl").records
    assert zh.doi == "10.1234/abc" and zh.pages == "21-25,18" and zh.year == 2005
    assert (zh.authors_alt, zh.language, zh.language_alt) == (("WEN Hu", "ZENG Gang"), "zh", "en")
    assert en.raw == {"custom_field": "kept in raw"} and en.type == "journal-article"
    assert en.authors == ("Porter, Michael E.",)
    first, second = read_records(SYN / "generic.tsv").records
    assert (first.title, first.authors, first.journal, first.keywords) == (
        "集群升级研究",
        ("张三", "李四"),
        "地理学报",
        ("集群", "升级"),
    )
    assert second.authors == ("Smith J.A.", "Doe K.") and second.language == "en"


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("cnki_refworks.txt", "refworks"),
        ("noteexpress_bilingual.net", "noteexpress"),
        ("records.jsonl", "jsonl"),
        ("generic.tsv", "csv"),
        ("gbt_multi_paper.txt", "citation"),
        ("gbt_reference_list.txt", "citation"),
        ("bad_unclosed_wos.txt", "wos"),
        ("bad_medline.txt", "pubmed"),
    ],
)
def test_detect_format(name: str, fmt: str) -> None:
    assert detect_format(SYN / name) == fmt


def test_forced_format_and_aliases() -> None:
    assert read_records(SYN / "ris_utf8.ris", "ris").format == "ris"
    assert read_records(SYN / "ris_utf8.ris", "ris.v1").format == "ris"
    assert read_records(SYN / "bad_medline.txt", "nbib", skip_bad=True).format == "pubmed"
    with pytest.raises(ImportFormatError, match=r"unknown format 'riss'; use one of: bibtex, citation"):
        read_records(SYN / "ris_utf8.ris", "riss")
    with pytest.raises(ImportFormatError, match="no bibtex records found"):
        read_records(SYN / "ris_utf8.ris", "bibtex")


def test_empty_file(tmp_path: Path) -> None:
    with pytest.raises(ImportFormatError, match="empty") as err:
        read_records(SYN / "empty.txt")
    assert err.value.path.endswith("empty.txt")
    blank = tmp_path / "blank.ris"
    blank.write_text("\n   \n\r\n", encoding="utf-8")
    with pytest.raises(ImportFormatError, match="empty"):
        read_records(blank, skip_bad=True)


def test_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "export.ris"
    path.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(ImportFormatError, match="binary file") as err:
        read_records(path, skip_bad=True)
    assert err.value.line == 1 and str(path) in str(err.value)
    pdf = tmp_path / "paper.txt"
    pdf.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
    with pytest.raises(ImportFormatError, match="PDF"):
        read_records(pdf)


def test_unknown_format() -> None:
    with pytest.raises(ImportFormatError) as err:
        read_records(SYN / "unknown_format.txt")
    msg = str(err.value)
    assert "could not recognise the format of" in msg and "unknown_format.txt" in msg
    assert (
        "--format with one of: bibtex, citation, cssci, csv, endnote, endnotexml, estudy, json, jsonl, noteexpress, "
        "ovid, pubmed, pubmedxml, refworks, ris, wos"
        in msg
    )


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ImportFormatError, match="no such file"):
        read_records(tmp_path / "nope.ris")


def test_truncated_and_untitled_ris_records() -> None:
    with pytest.raises(ImportFormatError) as err:
        read_records(SYN / "bad_records.ris")
    assert (err.value.line, err.value.record) == (6, 2)
    assert err.value.reason == "no title and no abstract"
    assert str(err.value).endswith("bad_records.ris, line 6 (record 2): no title and no abstract")
    result = read_records(SYN / "bad_records.ris", skip_bad=True)
    assert [r.title for r in result.records] == ["First good record", "Third good record"]
    assert [(s.line, s.record) for s in result.skipped] == [(6, 2), (15, 4)]
    assert result.skipped[1].reason == "RIS record not closed with 'ER  -' before end of file"


def test_truncated_ris_without_skip(tmp_path: Path) -> None:
    path = tmp_path / "cut.ris"
    path.write_text("TY  - JOUR\nTI  - One\nER  - \n\nTY  - JOUR\nTI  - Two\nAU  - X\n", encoding="utf-8")
    with pytest.raises(ImportFormatError, match="not closed with 'ER  -' before end of file") as err:
        read_records(path)
    assert (err.value.line, err.value.record) == (5, 2)


@pytest.mark.parametrize(
    ("name", "line", "record", "reason", "good"),
    [
        ("bad_unclosed_wos.txt", 10, 2, "WoS record not closed with 'ER'", ["A closed record"]),
        ("bad_lines.jsonl", 2, 2, "invalid JSON", ["Good one", "Good two"]),
        ("bad_quote.csv", 4, 3, "bad CSV row", ["Good title", "Second, good"]),
        ("bad_entry.bib", 6, 2, "BibTeX entry 'broken' is malformed", ["A good entry", "Another good entry"]),
        ("bad_medline.txt", 5, 2, "line 7 is neither a tagged field", ["Good title", "Third title"]),
        ("gbt_bad.txt", 1, 1, "not followed by a GB/T 7714 reference line", None),
    ],
)
def test_malformed_record_with_and_without_skip_bad(
    name: str, line: int, record: int, reason: str, good: list[str] | None
) -> None:
    with pytest.raises(ImportFormatError) as err:
        read_records(SYN / name)
    assert (err.value.line, err.value.record) == (line, record)
    assert reason in err.value.reason
    result = read_records(SYN / name, skip_bad=True)
    assert result.skipped[0].line == line and reason in result.skipped[0].reason
    if good is not None:
        assert [r.title for r in result.records] == good
    else:
        assert len(result.records) == 1


def test_wrong_forced_encoding() -> None:
    with pytest.raises(ImportFormatError) as err:
        read_records(SYN / "cnki_refworks_gbk.txt", encoding="utf-8")
    assert err.value.line == 3  # "A1 文嫮;曾刚": the first line with Chinese
    assert "cannot decode byte 0x" in err.value.reason and "as utf-8" in err.value.reason
    assert "try --encoding gb18030" in err.value.reason
    with pytest.raises(ImportFormatError, match="unknown encoding 'klingon'"):
        read_records(SYN / "ris_utf8.ris", encoding="klingon")
    forced = read_records(SYN / "cnki_refworks_gbk.txt", encoding="gbk")
    assert forced.encoding == "gbk" and forced.records[0].authors == ("文嫮", "曾刚")


def test_wrong_encoding_error_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "late.ris"
    path.write_bytes(b"TY  - JOUR\r\nTI  - Fine\r\nAB  - caf\xe9 au lait\r\nER  - \r\n")
    with pytest.raises(ImportFormatError) as err:
        read_records(path, encoding="utf-8")
    assert err.value.line == 3 and "column 10" in err.value.reason


def test_csl_json_array_from_zotero() -> None:
    from reviewkit.importers import detect_format, read_records

    path = Path(__file__).parent / "fixtures" / "synthetic" / "zotero_csl.json"
    assert detect_format(path) == "json"
    res = read_records(path)
    first, second = res.records
    assert first.authors == ("Humphrey, John", "Schmitz, Hubert")
    assert (first.year, first.pages, first.doi, first.type) == (
        2002,
        "1017-1027",
        "10.1080/0034340022000022198",
        "journal-article",
    )
    assert first.keywords == ("global value chains", "upgrading", "industrial clusters")
    assert (second.authors, second.year, second.journal, second.language) == (
        ("文嫮", "曾刚"),
        2005,
        "人文地理",
        "zh",
    )
    assert [r.source_line for r in res.records] == [2, 17]


def test_json_array_errors_name_the_line(tmp_path: Path) -> None:
    from reviewkit.errors import ImportFormatError
    from reviewkit.importers import read_records

    bad = tmp_path / "bad.json"
    bad.write_text(
        '[\n {"title": "Good", "year": 2001},\n {"title": "Broken", "year": }\n]\n', encoding="utf-8"
    )
    with pytest.raises(ImportFormatError) as info:
        read_records(bad)
    assert (info.value.line, info.value.record) == (3, 2)
    unclosed = tmp_path / "unclosed.json"
    unclosed.write_text('[{"title": "Good", "year": 2001},\n', encoding="utf-8")
    with pytest.raises(ImportFormatError, match="not closed"):
        read_records(unclosed)
    res = read_records(bad, skip_bad=True)
    assert [r.title for r in res.records] == ["Good"] and res.skipped[0].line == 3


def test_table_without_title_column_names_its_columns(tmp_path: Path) -> None:
    table = tmp_path / "people.csv"
    table.write_text("Name,Age\nBob,3\n", encoding="utf-8")
    with pytest.raises(ImportFormatError, match="none of its columns Name, Age is a title"):
        read_records(table)
