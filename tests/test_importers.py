"""Tests of the importers on real export files: record counts, detected formats and key fields."""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

import pytest

from reviewkit.importers import ReadResult, available_formats, detect_format, read_records

# (path under ../shared/fixtures/, expected record count, expected format)
REAL_FILES = [
    ("ris/rispy_example_utf_chars.ris", 1, "ris"),
    ("ris/asreview_ris_issue_992_rayyan.txt", 19, "ris"),
    ("ris/asreview_web_of_science_ris.txt", 10, "ris"),
    ("ris/litstudy_example_ieee.ris", 25, "ris"),
    ("wos/rispy_example_wos.txt", 2, "wos"),
    ("wos/knh11545_WoS_other_reference_software_r4001-4012.txt", 12, "wos"),
    ("wos/metaknowledge_testFile.isi", 34, "wos"),
    ("wos/wosfile_wos_plaintext.txt", 50, "wos"),
    ("scopus/pytrackrecord_scopus.csv", 49, "csv"),
    ("scopus/litstudy_scopus.csv", 58, "csv"),
    ("pubmed/rispy_example_pubmed.txt", 10, "pubmed"),
    ("pubmed/jabref_MedlinePlainImporterTestCompleteEntry.txt", 1, "pubmed"),
    ("pubmed/colrev_nbib_data_eric.nbib", 1, "pubmed"),
    ("endnote_cnki/byc_cnki2xml_TEMP_cnki_endnote.txt", 2, "endnote"),
    ("endnote_cnki/colrev_ais_enl.txt", 6, "endnote"),
    ("endnote_cnki/cnki2bibtex_mixed.net", 12, "noteexpress"),
    ("endnote_cnki/cnki2bibtex_CoverAllTest15Entries.net", 15, "noteexpress"),
    ("bibtex/bibtexparser_gbk_test.bib", 1, "bibtex"),
    ("bibtex/cnki2bibtex_nameyear_mixed.bib", 12, "bibtex"),
    ("bibtex/bibtexparser_v1_biber-examples.bib", 118, "bibtex"),
    ("bibtex/bibtexparser_v1_traps.bib", 1, "bibtex"),
    ("asreview_csv/asreview_embase.csv", 6, "csv"),
    ("asreview_csv/asreview_generic_labels.csv", 6, "csv"),
]


@functools.cache
def cached_read(path: Path) -> ReadResult:
    """read_records once per file per session (the BibTeX parser is slow)."""
    return read_records(path)


@pytest.mark.parametrize(("rel", "count", "fmt"), REAL_FILES, ids=[r[0] for r in REAL_FILES])
def test_real_file_count_format_and_basic_fields(rel: str, count: int, fmt: str, shared_fixtures: Path) -> None:
    path = shared_fixtures / rel
    result = cached_read(path)
    assert result.format == fmt
    assert detect_format(path) == fmt
    assert len(result.records) == count
    assert result.skipped == []
    lines = [r.source_line for r in result.records]
    assert all(isinstance(n, int) and n >= 1 for n in lines)
    assert lines == sorted(lines)
    for rec in result.records:
        assert rec.source_format == fmt
        assert rec.source_file == str(path)
        assert re.fullmatch(r"[a-z]{2}|", rec.language)
        assert rec.doi == rec.doi.lower() and not rec.doi.startswith("http")
        json.dumps(rec.raw)  # raw must be JSON-serialisable
    with_text = sum(1 for r in result.records if r.title or r.abstract)
    assert with_text == count or fmt == "bibtex"


def test_every_shared_fixture_is_covered(shared_fixtures: Path) -> None:
    files = {
        str(p.relative_to(shared_fixtures))
        for p in shared_fixtures.rglob("*")
        if p.is_file() and p.parts[-2] != "refi_qda" and p.name != "SOURCES.md"
        and p.relative_to(shared_fixtures).parts[0] != "realworld"  # tests/test_importers_realworld.py
    }
    assert files == {r[0] for r in REAL_FILES}


def test_available_formats() -> None:
    assert available_formats() == [
        "bibtex",
        "citation",
        "cssci",
        "csv",
        "endnote",
        "endnotexml",
        "estudy",
        "json",
        "jsonl",
        "noteexpress",
        "ovid",
        "pubmed",
        "pubmedxml",
        "refworks",
        "ris",
        "wos",
    ]


def test_ris_cyrillic_bom_vo_and_untagged_continuation(shared_fixtures: Path) -> None:
    result = read_records(shared_fixtures / "ris/rispy_example_utf_chars.ris")
    assert result.encoding == "utf-8-sig"
    (rec,) = result.records
    assert rec.title.startswith("Состояние рецепторного аппарата")  # from ST: the record has no TI
    assert rec.abstract.endswith("in the late reproductive period")  # untagged second AB line kept
    assert rec.authors[0] == "Dobrokhotova, Yu E." and len(rec.authors) == 5
    assert (rec.year, rec.volume, rec.issue, rec.pages) == (2009, "8", "3", "52-57")
    assert rec.language == "ru"
    assert rec.type == "journal-article"  # non-standard "TY  - Journal Article"
    assert rec.raw["notes"] == ["Ä,Ö,Ü,ä,ö,ü,ß"]


def test_ris_ieee_mixed_line_endings(shared_fixtures: Path) -> None:
    recs = read_records(shared_fixtures / "ris/litstudy_example_ieee.ris").records
    first = recs[0]
    assert first.title == "The European Approach to the Exascale Challenge"
    assert first.doi == "10.1109/mcse.2018.2884139"
    assert (first.year, first.volume, first.issue, first.pages) == (2019, "21", "1", "42-47")
    assert first.journal == "Computing in Science & Engineering"
    assert recs[1].type == "conference-paper"
    assert "M. Bobák" in recs[1].authors
    assert all("\r" not in r.abstract for r in recs)


def test_ris_rayyan_keywords_continue_on_untagged_lines(shared_fixtures: Path) -> None:
    rec = read_records(shared_fixtures / "ris/asreview_ris_issue_992_rayyan.txt").records[0]
    assert rec.title == "Overcoming Medication Reconciliation Challenges"
    assert rec.keywords[:3] == ("Health Facility Administration", "Joint Commission", "Standards")
    assert len(rec.keywords) == 13 and rec.keywords[-1] == "Patient Education"


def test_wos_fields(shared_fixtures: Path) -> None:
    rec = read_records(shared_fixtures / "wos/rispy_example_wos.txt").records[0]
    assert rec.title.startswith("Interactions stabilizing the structure of the core light-harvesting complex")
    assert rec.authors == ("Parkes-Loach, PS", "Majeed, AP", "Law, CJ", "Loach, PA")
    assert (rec.year, rec.journal, rec.doi) == (2004, "BIOCHEMISTRY", "10.1021/bi049798f")
    assert rec.key == "WOS:000221807500019"
    assert rec.source_line == 3
    assert "CHEMICALLY SYNTHESIZED POLYPEPTIDES" in rec.keywords


def test_wos_metaknowledge_record_without_ut(shared_fixtures: Path) -> None:
    recs = read_records(shared_fixtures / "wos/metaknowledge_testFile.isi").records
    no_ut = [r for r in recs if not r.key]
    assert len(no_ut) == 1 and no_ut[0] is recs[7]
    assert recs[7].title.startswith("Goos-Hanchen and Imbert-Fedorov shifts")
    assert recs[5].authors[0] == "Gilles, H"  # "AUGilles, H": tag without its space


def test_wos_plaintext_large_file(shared_fixtures: Path) -> None:
    recs = read_records(shared_fixtures / "wos/wosfile_wos_plaintext.txt").records
    assert recs[0].title.startswith("Knowledge networks as channels and conduits")
    assert recs[0].keywords[0] == "knowledge networks"
    assert sum(1 for r in recs if r.abstract) == 49


def test_pubmed_fields(shared_fixtures: Path) -> None:
    rec = read_records(shared_fixtures / "pubmed/rispy_example_pubmed.txt").records[0]
    assert rec.title == "Time lapse: A glimpse into prehistoric genomics."
    assert rec.key == "30922926"
    assert rec.doi == "10.1016/j.ejmg.2019.03.004"
    assert (rec.year, rec.volume, rec.issue) == (2020, "63", "2")
    assert rec.authors[0] == "Griffin, Darren K"
    assert "\n" not in rec.abstract and "ancestral (in this case dinosaur)" in rec.abstract
    jab = read_records(shared_fixtures / "pubmed/jabref_MedlinePlainImporterTestCompleteEntry.txt").records[0]
    assert jab.title.endswith("factory girl in early twentieth-century Britain.")
    assert jab.journal == "20 century British history"
    assert jab.pages == "454-81"


def test_eric_nbib_without_pmid(shared_fixtures: Path) -> None:
    (rec,) = read_records(shared_fixtures / "pubmed/colrev_nbib_data_eric.nbib").records
    assert rec.title == "Paper title"
    assert rec.authors == ("Smith, Tom", "Hunter, Shawn")
    assert rec.key == "EJ1131633"
    assert rec.doi == "10.1000/123456789"
    assert rec.keywords == ("Keyword 1", "Keyword 2", "Keyword 3")
    assert rec.source_line == 2  # the file starts with an empty line


def test_cnki_endnote_chinese_fields(shared_fixtures: Path) -> None:
    article, thesis = read_records(
        shared_fixtures / "endnote_cnki/byc_cnki2xml_TEMP_cnki_endnote.txt"
    ).records
    assert article.title == "光子晶体光纤飞秒激光技术研究进展"
    assert article.authors[:2] == ("柴路", "胡明列") and len(article.authors) == 7
    assert (article.journal, article.year, article.issue, article.pages) == ("中国激光", 2013, "01", "7-20")
    assert article.keywords == ("激光技术", "光子晶体光纤", "飞秒激光", "高功率", "高能量")
    assert article.language == "zh" and article.type == "journal-article"
    assert thesis.type == "thesis" and thesis.source_line == 22
    assert thesis.abstract.count("\n") >= 6  # TAB-indented paragraphs after bare CRs stay in the abstract
    assert thesis.abstract.endswith("打下了坚实基础。")


def test_ais_refer_records_starting_with_title(shared_fixtures: Path) -> None:
    recs = read_records(shared_fixtures / "endnote_cnki/colrev_ais_enl.txt").records
    assert recs[0].title.startswith("How Trust Leads to Commitment on Microsourcing Platforms")
    assert recs[0].journal == "Management Information Systems Quarterly"
    assert (recs[0].volume, recs[0].issue, recs[0].pages) == ("45", "3", "1309-1348")
    assert recs[3].authors[2] == "Osório, Gerardo"


def test_noteexpress_cnki_fields(shared_fixtures: Path) -> None:
    recs = read_records(shared_fixtures / "endnote_cnki/cnki2bibtex_CoverAllTest15Entries.net").records
    types = [r.type for r in recs]
    assert types.count("standard") == 4 and types.count("thesis") == 2 and types.count("patent") == 1
    english = recs[0]
    assert english.language == "en" and english.abstract.startswith("This research examines")
    chinese = recs[1]
    assert chinese.title == "基于灰色关联分析法的铁路物流服务方案评价"
    assert chinese.authors == ("唐力", "刘启钢", "孙文桥")
    assert (chinese.journal, chinese.year, chinese.issue, chinese.pages) == (
        "铁道运输与经济",
        2019,
        "01",
        "7-12",
    )
    assert chinese.language == "zh"
    assert recs[-1].pages == "210,209"  # CNKI "210+209"


def test_bibtex_gbk_file_is_detected(shared_fixtures: Path) -> None:
    result = read_records(shared_fixtures / "bibtex/bibtexparser_gbk_test.bib")
    assert result.encoding == "gb18030"
    (rec,) = result.records
    assert (rec.key, rec.authors, rec.journal, rec.year) == ("凯撒2013", ("凯撒",), "测试期刊", 2013)


def test_bibtex_accents_strings_and_crossref(shared_fixtures: Path) -> None:
    recs = {r.key: r for r in cached_read(shared_fixtures / "bibtex/bibtexparser_v1_biber-examples.bib").records}
    ang = recs["angenendt"]
    assert ang.journal == "Revue d'Histoire Ecclésiastique"
    assert ang.title == "In Honore Salvatoris – Vom Sinn und Unsinn der Patrozinienkunde"
    assert ang.pages == "431-456, 791-823" and ang.language == "de"
    assert recs["westfahl:space"].journal == "Space and Beyond"  # booktitle from the crossref
    assert recs["westfahl:space"].year == 2000
    traps = read_records(shared_fixtures / "bibtex/bibtexparser_v1_traps.bib").records[0]
    assert traps.title == "An amazing title"
    assert traps.abstract.endswith("with a french érudit word")
    assert traps.keywords == ("keyword1", "keyword2")


def test_scopus_ragged_rows_keep_columns_aligned(shared_fixtures: Path) -> None:
    recs = read_records(shared_fixtures / "scopus/litstudy_scopus.csv").records
    assert all(r.key.startswith("2-s2.0-") for r in recs)
    assert all(r.language == "en" for r in recs)
    shifted = recs[2]  # first row with the extra unnamed field
    assert shifted.abstract.startswith("Intracellular processes are cascades of biochemical reactions")
    assert shifted.doi == "10.1038/s41598-022-04849-0"
    assert shifted.raw["References"].startswith("Edelstein-Keshet")
    assert recs[0].authors[:2] == ("Phillips J.C.", "Braun R.")
    assert recs[0].pages == "1781-1802"
    assert recs[-1].authors == ()  # "[No author name available]"


def test_scopus_old_export_authors(shared_fixtures: Path) -> None:
    rec = read_records(shared_fixtures / "scopus/pytrackrecord_scopus.csv").records[0]
    assert rec.authors == ("Zolfaghari, S.", "Francis, K.E.", "Kairn, T.", "Crowe, S.B.")
    assert rec.journal == "Australasian Physical and Engineering Sciences in Medicine"
    assert rec.key == "2-s2.0-85016496618"


def test_embase_and_asreview_csv(shared_fixtures: Path) -> None:
    embase = read_records(shared_fixtures / "asreview_csv/asreview_embase.csv").records[0]
    assert embase.authors == ("Liu R.", "Adler D.G.")
    assert (embase.journal, embase.year, embase.volume, embase.issue, embase.pages) == (
        "Endoscopic Ultrasound",
        2014,
        "3",
        "3",
        "152-160",
    )
    generic = read_records(shared_fixtures / "asreview_csv/asreview_generic_labels.csv").records[0]
    assert generic.authors == ("Marx, Karl", "Lindgren, Astrid")
    assert generic.keywords == ("Pippi", "Nordwind", "Piraten")
    assert generic.year == 2014


@pytest.mark.parametrize(
    ("name", "fmt", "count"),
    [
        ("cluster-literature-en.ris", "ris", 86),
        ("cluster-literature-cnki.net", "noteexpress", 32),
        ("seed-wen-zeng-2005.txt", "citation", 1),
    ],
)
def test_demo_corpus_imports(corpus_dir: Path, name: str, fmt: str, count: int) -> None:
    path = corpus_dir / name
    assert path.is_file(), f"the bundled corpus file {path} is missing"
    result = cached_read(path)
    assert (result.format, len(result.records), result.skipped) == (fmt, count, [])
    assert all(r.title and r.abstract and r.year for r in result.records)
    if fmt == "noteexpress":
        assert all(r.language == "zh" and r.authors_alt for r in result.records)
