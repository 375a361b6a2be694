"""Import defects found by trying real exports of other projects as a new user would (issue 10):
each case on a minimal file written here, shaped like the real export that showed it."""

from __future__ import annotations

from pathlib import Path

import pytest

from reviewkit.errors import ImportFormatError
from reviewkit.importers import read_records


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- CNKI EndNote (refer) ------------------------------------------------------------------------


def test_cnki_thesis_abstract_with_blank_lines_stays_one_record(tmp_path: Path) -> None:
    """CNKI writes a thesis abstract as paragraphs with blank lines between them, then the last tags
    after one more blank line: all of it is one record, not a record cut at the first blank line plus
    title-less fragments."""
    text = (
        "%0 Thesis\n%A 张三\n%T 基于深度学习的语音识别研究\n%X 第一段摘要。\n\n    第二段摘要。\n\n"
        "    第三段摘要。\n\n%P 1-80\n%W CNKI\n\n"
        "%0 Journal Article\n%A 李四\n%T 第二篇\n%J 计算机应用\n%D 2019\n%W CNKI\n"
    )
    result = read_records(write(tmp_path, "cnki.txt", text))
    assert [r.title for r in result.records] == ["基于深度学习的语音识别研究", "第二篇"]
    assert result.skipped == []
    first = result.records[0]
    assert "第三段摘要" in first.abstract and first.abstract.startswith("第一段摘要")
    assert first.pages == "1-80"


def test_refer_without_percent_zero_still_splits_on_blank_lines(tmp_path: Path) -> None:
    text = "%A Smith, J\n%T One\n%D 2001\n\n%A Doe, K\n%T Two\n%D 2002\n"
    result = read_records(write(tmp_path, "plain.enw", text), format="endnote")
    assert [(r.title, r.year) for r in result.records] == [("One", 2001), ("Two", 2002)]


def test_a_record_without_percent_zero_after_one_with_it_is_not_swallowed(tmp_path: Path) -> None:
    text = "%0 Journal Article\n%T One\n%A Smith, J\n\n%T Two\n%A Doe, K\n"
    result = read_records(write(tmp_path, "mixed.enw", text), format="endnote")
    assert [r.title for r in result.records] == ["One", "Two"]


def test_cnki_br_marker_becomes_a_line_break(tmp_path: Path) -> None:
    text = (
        "%0 Journal Article\n%A Kim Judy\n%T A title\n"
        "%X Abstract(#br)We deal with a task.(#br)RESULTS(#br)It works.\n%W CNKI\n"
    )
    rec = read_records(write(tmp_path, "cnki_en.txt", text)).records[0]
    assert rec.abstract == "We deal with a task.\nRESULTS\nIt works."


# --- PubMed Central MEDLINE format ---------------------------------------------------------------


def test_pmc_medline_export_records_start_with_pmc(tmp_path: Path) -> None:
    record = (
        "PMC - PMC{pmc}\nPMID- {pmid}\nIS  - 2215-0161 (Electronic)\nDP  - 2018\n"
        "TI  - Title number {pmid}.\nAB  - {ab}\nOAB - Publisher: Abstract available from the publisher.\n"
        "FAU - Takeuchi, Yuichi\nAU  - Takeuchi Y\nSO  - J Test. 2018;5:1-2.\n"
    )
    text = "\n" + "\n".join(
        record.format(pmc=n, pmid=900 + n, ab="" if n == 1 else f"Real abstract {n}.") for n in (1, 2, 3)
    )
    result = read_records(write(tmp_path, "pmc_medlars.txt", text))
    assert result.format == "pubmed"
    assert [r.key for r in result.records] == ["901", "902", "903"]
    assert result.skipped == []
    # PubMed's placeholder is no abstract: nothing to code in it.
    assert [r.abstract for r in result.records] == ["", "Real abstract 2.", "Real abstract 3."]


# --- PubMed and IEEE CSV -------------------------------------------------------------------------


def test_pubmed_csv_journal_and_authors_without_the_final_full_stop(tmp_path: Path) -> None:
    text = (
        '"PMID","Title","Authors","Citation","First Author","Journal/Book","Publication Year",'
        '"Create Date","PMCID","NIHMS ID","DOI"\n'
        '"111","A chatbot review","Lim SM, Shiau CWC, Lau Y.","Behav Ther. 2022;53(2):334-347.",'
        '"Lim SM","Behav Ther","2022","2022/03/01",,,"10.1016/j.beth.2021.09.007"\n'
    )
    rec = read_records(write(tmp_path, "csv-chatbot-set.csv", text)).records[0]
    assert rec.authors == ("Lim SM", "Shiau CWC", "Lau Y")
    assert rec.journal == "Behav Ther"
    assert rec.key == "111"


def test_initials_with_full_stops_are_left_alone(tmp_path: Path) -> None:
    text = 'Title,Authors\n"A","Smith J.A., Doe K."\n"B","Porter, Michael E."\n'
    records = read_records(write(tmp_path, "t.csv", text)).records
    assert [r.authors for r in records] == [("Smith J.A.", "Doe K."), ("Porter, Michael E.",)]


def test_csv_publication_column_is_the_journal(tmp_path: Path) -> None:
    text = '"Title","Authors","Abstract","Publication","DOI"\n"T","A One, B Two","Abs.","Computer","10.1109/x.1"\n'
    rec = read_records(write(tmp_path, "ieee.csv", text)).records[0]
    assert rec.journal == "Computer"
    assert rec.authors == ("A One", "B Two")


# --- CNKI E-Study and CSSCI ----------------------------------------------------------------------

_ESTUDY = (
    "DataType: 1\nTitle-题名: 阿霉素的免疫调控机制\nAuthor-作者: 张楠;曹晓东;\nSource-刊名: 生物工程学报\n"
    "Year-年: 2021\nPubTime-出版时间: 2021-01-15 10:52\nKeyword-关键词: 乳腺癌;蛋白质组学\n"
    "Summary-摘要: <正>为了探讨阿霉素的作用。Results: 有效。\nPeriod-期: 01\nRoll-卷: 19\nPage-页码: 168-170\n"
    "SrcDatabase-来源库: 期刊\nLink-链接: https://kns.cnki.net/kcms/detail/detail.aspx?FileName=SHWU2021&DbName=X\n"
    "DataType: 1\nTitle-题名: 第二篇\nSource-刊名: 中华疾病控制杂志\nPubTime-出版时间: 2020-12-01\n"
    "SrcDatabase-来源库: 硕士\n"
)


def test_cnki_estudy_export(tmp_path: Path) -> None:
    result = read_records(write(tmp_path, "CNKI-20210120.txt", _ESTUDY))
    assert result.format == "estudy"
    first, second = result.records
    assert first.title == "阿霉素的免疫调控机制" and first.authors == ("张楠", "曹晓东")
    assert (first.journal, first.year, first.volume, first.issue, first.pages) == ("生物工程学报", 2021, "19", "01", "168-170")
    assert first.keywords == ("乳腺癌", "蛋白质组学")
    assert first.abstract == "为了探讨阿霉素的作用。Results: 有效。"  # CNKI's <正> mark removed
    assert first.key == "SHWU2021" and first.type == "journal-article" and first.language == "zh"
    assert (second.title, second.year, second.type) == ("第二篇", 2020, "thesis")


_CSSCI = (
    "南京大学中国社会科学研究评价中心\n数字文献处理系统 版本：2.1\n版权所有 (C) 2000 - 2001 CSSCI Corp.\n\n\n"
    "【来源篇名】近十年智慧图书馆研究态势\n【英文篇名】Research on Smart Libraries\n【来源作者】谭春辉/周一夫\n"
    "【期    刊】图书馆论坛\n【年代卷期】2022,42(1):69-79\n【关 键 词】智慧图书馆/演化分析\n【参考文献】\n"
    "1.严栋.基于物联网的智慧图书馆.图书馆学刊.2010.32(7)\n2.狄亚飞.研究热点述评.图书馆学刊.2017.39(8)\n"
    "-----------------------------------------------------------------------\n\n"
    "【来源篇名】未来图书馆的新模式\n【来源作者】王世伟\n【期    刊】图书馆建设\n【年代卷期】2011,(12):1-5\n"
    "-----------------------------------------------------------------------\n"
)


def test_cssci_export(tmp_path: Path) -> None:
    result = read_records(write(tmp_path, "LY_20230630122752.txt", _CSSCI.replace("\n", "\r\n")))
    assert result.format == "cssci"
    first, second = result.records
    assert first.title == "近十年智慧图书馆研究态势" and first.title_alt == "Research on Smart Libraries"
    assert first.authors == ("谭春辉", "周一夫") and first.keywords == ("智慧图书馆", "演化分析")
    assert (first.journal, first.year, first.volume, first.issue, first.pages) == ("图书馆论坛", 2022, "42", "1", "69-79")
    assert "狄亚飞" in str(first.raw["参考文献"]) and "狄亚飞" not in first.title + first.abstract
    assert (second.title, second.year, second.volume, second.issue) == ("未来图书馆的新模式", 2011, "", "12")
    assert first.source_line == 6


# --- Web of Science tab-delimited and Scopus CSV pages -------------------------------------------


def test_wos_tab_delimited_pages_are_bp_ep_not_the_page_count(tmp_path: Path) -> None:
    header = "PT\tAU\tTI\tSO\tPY\tVL\tIS\tBP\tEP\tAR\tDI\tPG\tUT"
    rows = [
        "J\tOwen-Smith, J; Powell, WW\tKnowledge networks\tORG SCI\t2004\t15\t1\t5\t21\t\t10.1287/x\t17\tWOS:1",
        "J\tPrakash, KS\tA wearable system\tADV SENS RES\t2023\t2\t10\t\t\t2300058\t10.1002/y\t11\tWOS:2",
    ]
    path = tmp_path / "savedrecs.txt"
    path.write_text("\ufeff" + "\n".join([header, *rows]) + "\n", encoding="utf-8")
    first, second = read_records(path).records
    assert (first.pages, second.pages) == ("5-21", "2300058")
    assert first.authors == ("Owen-Smith, J", "Powell, WW")


def test_scopus_csv_article_number_when_no_page_range(tmp_path: Path) -> None:
    text = (
        '"Authors","Title","Year","Source title","Volume","Issue","Art. No.","Page start","Page end","DOI"\n'
        '"Yagai T.; Kimura Y.","Strain distribution","2016","IEEE T Appl Supercond","26","4","7433444","","",'
        '"10.1109/x"\n"Doe J.","Other","2016","J","1","2","","3249","3253","10.1/y"\n'
    )
    first, second = read_records(write(tmp_path, "scopus.csv", text)).records
    assert (first.pages, second.pages) == ("7433444", "3249-3253")


# --- markup and layout of other databases' CSV -----------------------------------------------------


def test_springer_names_run_together_before_an_initial(tmp_path: Path) -> None:
    text = (
        "Item Title,Publication Title,Item DOI,Authors,Publication Year,Content Type\n"
        '"Algorithmic Patterns for \n      $$\\mathcal {H}$$\n      H\n   -Matrices","J Sup","10.1007/x",'
        '"R. Yam-UicabJ. L. Lopez-MartinezAndy SmithTom McDonald","2017","Article"\n'
    )
    rec = read_records(write(tmp_path, "SearchResults.csv", text)).records[0]
    assert rec.authors == ("R. Yam-Uicab", "J. L. Lopez-Martinez", "Andy Smith", "Tom McDonald")
    assert rec.title == "Algorithmic Patterns for $$\\mathcal {H}$$ H -Matrices"  # one line


def test_scopus_inf_and_ieee_tex_math_markup_removed(tmp_path: Path) -> None:
    text = (
        '"Title","Abstract"\n'
        '"Melting of YBa<inf>2</inf>Cu<inf>3</inf>O<inf>7</inf> tapes","Improved by <inline-formula> '
        '<tex-math notation=""LaTeX"">$7.14\\times $ </tex-math></inline-formula> overall."\n'
    )
    rec = read_records(write(tmp_path, "scopus.csv", text)).records[0]
    assert rec.title == "Melting of YBa2Cu3O7 tapes"
    assert rec.abstract == "Improved by $7.14\\times $ overall."


# --- Cochrane Library BibTeX ---------------------------------------------------------------------


def test_cochrane_bibtex_author_pairs_and_record_lines(tmp_path: Path) -> None:
    text = (
        "Record #1 of 2\n@article{Huey25,\nauthor = {Huey, SL, Mehta, NH, and Mehta, S},\n"
        "title = {Precision nutrition for obesity},\njournal = {Cochrane Database of Systematic Reviews},\n"
        "year = {2025},\nabstract = {Meta-analysis (RR 0.8, 95% CI 0.6 to 1.0) showed benefit.},\n"
        "DOI = {10.1002/14651858.CD015877}\n}\n\n\nRecord #2 of 2\n@article{Alkhawaja15,\n"
        "author = {Alkhawaja, S, and Martin, C},\ntitle = {Antenatal corticosteroids},\nyear = {2015}\n}\n"
        "@article{Kept,\nauthor = {Pimentel, Jr., Joseph J. and von Neumann, J, M and {Barnes, Noble, and Co}},\n"
        "title = {Names that stay as they are},\nyear = {2001}\n}\n"
    )
    first, second, third = read_records(write(tmp_path, "citation-export.bib", text)).records
    assert first.authors == ("Huey, SL", "Mehta, NH", "Mehta, S")
    assert first.abstract.endswith("showed benefit.")
    assert second.authors == ("Alkhawaja, S", "Martin, C")
    assert third.authors[0] == "Pimentel, Jr., Joseph J." and len(third.authors) == 3


# --- RIS with one space before the dash ----------------------------------------------------------


def test_ris_written_with_one_space_before_the_dash(tmp_path: Path) -> None:
    text = (
        "TY - JOUR\nAU - CASTOE, TODD A.\nAU - POOLE, ALEXANDER W.\nTI - Rapid identification of loci\n"
        "JO - Molecular Ecology Resources\nPY - 2009\nAB - Optimal integration of sequencing.\nER - \n\n"
        "TY - JOUR\nA1 - 吴继琴\nT1 - 话语分析\nJF - 九江职业技术学院学报\nY1 - 2019\nER - \n"
    )
    result = read_records(write(tmp_path, "demo.ris", text))
    assert result.format == "ris" and result.warnings == [] and result.skipped == []
    first, second = result.records
    assert first.authors == ("CASTOE, TODD A.", "POOLE, ALEXANDER W.") and first.year == 2009
    assert first.abstract == "Optimal integration of sequencing."
    assert (second.title, second.authors, second.journal) == ("话语分析", ("吴继琴",), "九江职业技术学院学报")


def test_a_one_space_dash_inside_a_normal_ris_file_is_still_reported(tmp_path: Path) -> None:
    text = "TY  - JOUR\nTI  - Title\nKW - keyword2\nER  - \n"
    result = read_records(write(tmp_path, "mixed.ris", text), skip_bad=True)
    assert [r.title for r in result.records] == ["Title"]
    assert any("malformed RIS tag" in w.reason for w in result.warnings)


# --- RefWorks header, EndNote double %0, what is not XML ------------------------------------------


def test_refworks_export_header_and_tag_legend_are_no_records(tmp_path: Path) -> None:
    legend = "\n".join(f"{tag}={name}" for tag, name in [("RT", "Reference Type"), ("A1", "Primary Authors")])
    text = (
        f"Refworks Export Tagged Format\n\nCharacter Set=utf-8\n\nTag legend\n*****\n{legend}\n*****\n\n"
        "RT Journal Article\nSR Electronic(1)\nA1 Smith, Ann\nT1 A RefWorks record\nJF J Test\nYR 2016\n"
    )
    result = read_records(write(tmp_path, "refworks.txt", text))
    assert result.format == "refworks" and result.skipped == []
    (rec,) = result.records
    assert (rec.title, rec.authors, rec.year) == ("A RefWorks record", ("Smith, Ann",), 2016)
    assert rec.source_line == 11


def test_refer_record_with_two_type_lines_is_one_record(tmp_path: Path) -> None:
    text = "%0 Serial\n%0 Audio\n%D 2021\n%T Diesseits von Eden\n%U https://example.org\n"
    result = read_records(write(tmp_path, "podcast.enw", text))
    assert [r.title for r in result.records] == ["Diesseits von Eden"] and result.skipped == []


def test_ovid_like_record_lines_are_not_called_xml(tmp_path: Path) -> None:
    with pytest.raises(ImportFormatError) as err:
        read_records(write(tmp_path, "ovid.txt", "<53. >\nfoo bar\nbaz\n"))
    assert "XML" not in str(err.value)


# --- PubMed/ERIC records that never have SO --------------------------------------------------------


def test_pubmed_book_chapter_or_eric_report_last_is_not_called_cut(tmp_path: Path) -> None:
    article = "PMID- 1\nOWN - NLM\nTI  - An article.\nPT  - Journal Article\nSO  - J Test. 1996;93:1-7.\n"
    chapter = "PMID- 2\nOWN - NLM\nTI  - A chapter.\nPT  - Book Chapter\nAID - NBK1826 [bookaccession]\n"
    cut = "PMID- 3\nOWN - NLM\nTI  - A cut article.\nPT  - Journal Article\n"
    eric = "OWN - ERIC\nTI  - A report.\nPT  - Reports - Research\nSO  - v9 2019\n"
    eric_last = "OWN - ERIC\nTI  - Another report.\nPT  - Reports - Research\n"
    chapters = read_records(write(tmp_path, "a.nbib", article + "\n" + chapter))
    assert len(chapters.records) == 2 and chapters.warnings == []
    reports = read_records(write(tmp_path, "e.nbib", eric + "\n" + eric_last))
    assert len(reports.records) == 2 and reports.warnings == []
    cuts = read_records(write(tmp_path, "c.nbib", article + "\n" + cut))
    assert [w.line for w in cuts.warnings] == [7] and "looks cut" in cuts.warnings[0].reason


# --- a large GBK file ------------------------------------------------------------------------------


def _common_hanzi() -> str:
    out = []
    for code in range(0x4E00, 0x9FA6):
        try:
            chr(code).encode("gb2312")
        except UnicodeEncodeError:
            continue
        out.append(chr(code))
    return "".join(out)


def test_a_large_gb18030_export_is_not_read_as_utf8_with_replacements(tmp_path: Path) -> None:
    """Only the first 1,000 bad bytes were listed, and 1,000 is "a few" against the UTF-8-looking byte
    pairs of a megabyte of GBK text: a large CNKI export became U+FFFD mojibake."""
    hanzi = _common_hanzi()
    records = []
    for n in range(1200):
        start = (n * 37) % (len(hanzi) - 400)
        title, abstract = hanzi[start : start + 30], hanzi[start : start + 400]
        records.append(f"%0 Journal Article\n%A 作者{n}\n%T {title}\n%X {abstract}\n%W CNKI\n")
    data = "\n".join(records).encode("gb18030")
    assert len(data) > 1_000_000
    path = tmp_path / "CNKI-large.txt"
    path.write_bytes(data)
    result = read_records(path)
    assert result.encoding == "gb18030" and result.warnings == []
    assert len(result.records) == 1200
    assert "\ufffd" not in result.records[0].title and result.records[1199].title == records[1199].split("\n")[2][3:]


# --- BibTeX entries commented out with % -----------------------------------------------------------


def test_bibtex_entries_commented_out_with_percent_are_not_imported(tmp_path: Path) -> None:
    text = (
        "% exported by hand\n%@inbook{test1,\n%  year = 1998,\n%  title = {A Test of Set},\n%}\n%\n"
        "%@inbook{test2,\n%  year = 2008,\n%  booktitle = {A Test of Set},\n%}\n\n"
        "@article{real,\n  title = {A real entry},\n  abstract = {Rose by 45\n% in a year.},\n  year = 2001\n}\n"
    )
    result = read_records(write(tmp_path, "refs.bib", text))
    assert [r.key for r in result.records] == ["real"] and result.skipped == []
    assert result.records[0].source_line == 12
    assert "45" in result.records[0].abstract and "in a year" in result.records[0].abstract


def test_a_folder_import_shows_what_to_export_instead_of_xml(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from reviewkit.cli import cli

    folder = tmp_path / "exports"
    folder.mkdir()
    mods = '<?xml version="1.0"?>\n<modsCollection xmlns="http://www.loc.gov/mods/v3"><mods/></modsCollection>'
    (folder / "mods.xml").write_text(mods, encoding="utf-8")
    (folder / "ok.ris").write_text("TY  - JOUR\nTI  - Kept\nER  - \n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["import", "--db", str(tmp_path / "p.db"), str(folder)])
    assert result.exit_code == 0, result.output
    assert "export the records as RIS or BibTeX instead)" in result.output


def test_covidence_csv_year_and_key(tmp_path: Path) -> None:
    text = (
        "Title,Authors,Abstract,Published Year,Published Month,Journal,Volume,Issue,Pages,Accession Number,"
        "DOI,Ref,Covidence #,Study,Notes,Tags\n"
        '"A trial","Smith, J.; Doe, K.","We tested.",2019,Mar,"J Test",3,2,1-9,,10.1/x,,#1234,"Smith 2019",,\n'
    )
    rec = read_records(write(tmp_path, "review_283729_included_csv.csv", text)).records[0]
    assert (rec.year, rec.key, rec.journal, rec.pages) == (2019, "#1234", "J Test", "1-9")
    assert rec.authors == ("Smith, J.", "Doe, K.")


# --- Ovid exports indented by one space or with one space before the dash ---------------------------


def test_ovid_one_space_tags_and_indented_export(tmp_path: Path) -> None:
    one_space = (
        "<53. >\nVN - Ovid Technologies\nDB - PsycINFO\nAN - Dissertation Abstract: 2014-99150-257.\n"
        "TI - Academic procrastination in college students.\nYR - 2014\nAU - Sudler, Eric L\n"
        "AB - We studied procrastination.\n\n<54. >\nVN - Ovid Technologies\nDB - PsycINFO\n"
        "TI - A second record.\nYR - 2015\nAU - Doe, Jane\n"
    )
    result = read_records(write(tmp_path, "ovid_one_space.txt", one_space))
    assert result.format == "ovid" and [r.title for r in result.records] == [
        "Academic procrastination in college students.",
        "A second record.",
    ]
    assert result.records[0].authors == ("Sudler, Eric L",) and result.records[0].year == 2014
    indented = "\n".join(" " + ln if ln else ln for ln in one_space.replace("VN - ", "VN  - ").split("\n"))
    again = read_records(write(tmp_path, "ovid_indented.txt", indented))
    assert [r.title for r in again.records] == [r.title for r in result.records]


def test_wos_copy_whose_continuation_lines_lost_their_indent(tmp_path: Path) -> None:
    text = (
        "FN Thomson Reuters Web of Knowledge\nVR 1.0\nPT J\nUT BCI:BCI201300112663\n"
        "TI Importance of methane-derived carbon as a basal resource for two benthic\nconsumers in arctic lakes\n"
        "AU Medvedeff, Cassandra A. (medvedeff22@example.edu)\nHershey, Anne E.\nSO Hydrobiologia\nPY 2013\nER\n\nEF\n"
    )
    (rec,) = read_records(write(tmp_path, "wok.txt", text)).records
    assert rec.title.endswith("two benthic consumers in arctic lakes")
    assert rec.authors == ("Medvedeff, Cassandra A.", "Hershey, Anne E.") and rec.year == 2013
