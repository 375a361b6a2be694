"""Import fidelity on minimal files we write: RIS junk lines, BibTeX bad entries and accents, DOIs, CSV
columns of other databases, encodings, NoteExpress/CSL/WoS/PubMed gaps (issue 10, items 1-5 and 7)."""

from __future__ import annotations

from pathlib import Path

import pytest

from reviewkit.errors import ImportFormatError
from reviewkit.importers import detect_format, read_records
from reviewkit.importers.normalise import norm_doi


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8")
    else:
        path.write_bytes(text)
    return path


# --- RIS -----------------------------------------------------------------------------------------


def test_ris_tag_after_er_and_untagged_junk_do_not_crash_or_swallow(tmp_path: Path) -> None:
    text = (
        "TY  - JOUR\nTI  - First\nL2  - http://example.org/a\nER  - \nNL  - J Test\n\n"
        "Link to the Full Text or citation: http://example.org\n\n"
        "TY  - JOUR\nTI  - Second\nER  - \n"
    )
    for skip_bad in (False, True):
        result = read_records(write(tmp_path, "ovid.ris", text), skip_bad=skip_bad)
        assert [r.title for r in result.records] == ["First", "Second"]
        assert result.records[0].raw["after_end"] == ["NL  - J Test"]
        assert result.skipped == []


def test_ris_record_without_ty_is_still_reported(tmp_path: Path) -> None:
    text = "TY  - JOUR\nTI  - Good\nER  - \nAU  - Nobody\nTI  - No type\nER  - \nTY  - JOUR\nTI  - Next\nER  - \n"
    result = read_records(write(tmp_path, "a.ris", text), skip_bad=True)
    assert [r.title for r in result.records] == ["Good", "Next"]
    assert [(s.line, s.reason) for s in result.skipped] == [(4, "RIS record does not start with 'TY  -'")]
    with pytest.raises(ImportFormatError, match="line 4"):
        read_records(tmp_path / "a.ris")


def test_ris_malformed_tag_and_junk_line_are_reported_not_glued(tmp_path: Path) -> None:
    text = (
        "TY  - JOUR\nAU  - Smith, J.\nstray junk line\nTI  - Clusters and upgrading\n"
        "TI-Innovation in districts\nAB  - An abstract\nthat continues here.\nER  - \n"
    )
    result = read_records(write(tmp_path, "junk.ris", text))
    (rec,) = result.records
    assert rec.authors == ("Smith, J.",)
    assert rec.title == "Clusters and upgrading"
    assert rec.abstract == "An abstract that continues here."
    assert rec.raw["unparsed_lines"] == ["stray junk line", "TI-Innovation in districts"]
    assert [(w.line, w.record) for w in result.warnings] == [(3, 1), (5, 1)]
    assert "untagged line 'stray junk line'" in result.warnings[0].reason
    assert "malformed RIS tag 'TI-Innovation in districts'" in result.warnings[1].reason
    assert str(result.warnings[1]).startswith(f"{tmp_path / 'junk.ris'}, line 5 (record 1): ")


def test_ris_every_ab_kept_second_language_to_abstract_alt(tmp_path: Path) -> None:
    text = (
        "TY  - JOUR\nT1  - Cluster upgrading in China\nAB  - English abstract.\nAB  - 中文摘要，关于产业集群升级。\n"
        "AB  - Copyright of the journal.\nJO  - Journal of Tests\nL3  - 10.1000/xyz.1\nER  - \n"
        "TY  - JOUR\nT1  - Only title\nT2  - Journal of Secondary Titles\nER  - \n"
    )
    first, second = read_records(write(tmp_path, "ebsco.ris", text)).records
    assert first.abstract == "English abstract.\nCopyright of the journal."
    assert first.abstract_alt == "中文摘要，关于产业集群升级。"
    assert (first.doi, first.journal) == ("10.1000/xyz.1", "Journal of Tests")
    assert second.journal == "Journal of Secondary Titles" and second.title_alt == ""


# --- BibTeX --------------------------------------------------------------------------------------

BIB = r"""@string{jn = "Journal of Tests"}
@article{Carmone Jr.1997538,
  author = {G\'omez, Jos\'e and Sch\"onberger, Andreas and Kami\'nski, Piotr and Garc{\'\i}a, Mar{\'\i}a},
  title = {Waiting\ldots{} in the 20\textsuperscript{th} century: {DNA} -- a {\relax MA} study\;},
  journal = jn,
  Early Access Date = {JAN 2020},
  funding_text 1 = {Funded},
  doi = {https://doi.org/10.1000/ABC.1},
  year = 1997
}
@article{undef,
  title = {Undefined string},
  journal = undefinedmacro,
  year = {2001}
}
@article{broken,
  title = {Unbalanced {brace,
  year = {2002}
}
@article{after, title = {After the broken one}, author = {Barnes and Noble and {Barnes and Noble}}, year = {2003}}
"""


def test_bibtex_accents_spaces_in_names_and_one_bad_entry(tmp_path: Path) -> None:
    path = write(tmp_path, "refs.bib", BIB)
    with pytest.raises(ImportFormatError, match=r"line 16 \(record 3\): BibTeX entry 'broken' is malformed"):
        read_records(path)
    result = read_records(path, skip_bad=True)
    assert [r.key for r in result.records] == ["Carmone Jr.1997538", "undef", "after"]
    assert [(s.line, s.record) for s in result.skipped] == [(16, 3)]
    first = result.records[0]
    assert first.authors == ("Gómez, José", "Schönberger, Andreas", "Kamiński, Piotr", "García, María")
    assert first.title == "Waiting… in the 20th century: DNA – a MA study"
    assert (first.journal, first.doi, first.year) == ("Journal of Tests", "10.1000/abc.1", 1997)
    assert first.raw["early access date"] == "JAN 2020" and first.raw["funding_text 1"] == "Funded"
    assert result.records[2].authors == ("Barnes", "Noble", "Barnes and Noble")
    assert result.records[1].journal == "undefinedmacro"
    assert [(w.line, w.reason) for w in result.warnings] == [
        (11, "undefined @string kept as text: undefinedmacro in journal")
    ]


def test_bibtex_nfc_and_percent(tmp_path: Path) -> None:
    decomposed = "Mu\u0308ller"
    path = write(tmp_path, "n.bib", f"@article{{k, title = {{50% of {decomposed}'s firms}}, author = {{{decomposed}, A.}}}}\n")
    (rec,) = read_records(path).records
    assert rec.title == "50% of Müller's firms" and rec.authors == ("Müller, A.",)


def test_bibtex_editor_only_and_crossref(tmp_path: Path) -> None:
    text = (
        "@book{ed, editor = {Smith, Ann and Lee, Bo}, title = {Edited Volume}, year = {2010}}\n"
        "@incollection{ch, crossref = {ed}, author = {Wu, Chen}, title = {A Chapter}}\n"
    )
    book, chapter = read_records(write(tmp_path, "e.bib", text)).records
    assert book.authors == ("Smith, Ann", "Lee, Bo") and book.raw["authors_are_editors"] == "yes"
    assert (chapter.journal, chapter.year) == ("Edited Volume", 2010)


# --- DOIs ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "doi"),
    [
        ("10.1659/0276-4741(2004)024 [0141:SPOCMP]2.0.CO;2", "10.1659/0276-4741(2004)024[0141:spocmp]2.0.co;2"),
        ("10.1659/0276-4741(2004)024[0141:SPOCMP]2.0.CO;2", "10.1659/0276-4741(2004)024[0141:spocmp]2.0.co;2"),
        ("https://doi.org/10/fqd6hj", "10/fqd6hj"),
        ("10/fqd6hj", "10/fqd6hj"),
        ("10/12/2020", ""),
        ("10.3969／j.issn.1672－187X.2020.01.017", "10.3969/j.issn.1672-187x.2020.01.017"),
        ("１０．１０００／ａｂｃ", "10.1000/abc"),
        ("http://dx.doi.org/10.1002/cpp.2398.", "10.1002/cpp.2398"),
        ("(doi: 10.1000/abc)", "10.1000/abc"),
        ("10.1016/0001-8708(79)90010-5", "10.1016/0001-8708(79)90010-5"),
        ("10.1002/(SICI)1097-0045(19971101)33:3<217::AID-PROS11>3.0.CO;2-N",
         "10.1002/(sici)1097-0045(19971101)33:3<217::aid-pros11>3.0.co;2-n"),
    ],
)
def test_doi_forms(value: str, doi: str) -> None:
    assert norm_doi(value) == doi


def test_wos_sici_doi_with_space_kept_whole(tmp_path: Path) -> None:
    text = "FN Clarivate\nVR 1.0\nPT J\nTI Mountain paper\nDI 10.1659/0276-4741(2004)024 [0141:SPOCMP]2.0.CO;2\nPY 2004\nER\nEF\n"
    (rec,) = read_records(write(tmp_path, "w.txt", text)).records
    assert rec.doi == "10.1659/0276-4741(2004)024[0141:spocmp]2.0.co;2"


# --- CSV of other databases ------------------------------------------------------------------------


def test_openalex_csv_is_csv_never_citation_text(tmp_path: Path) -> None:
    text = (
        "id,doi,display_name,publication_year,authorships.author.display_name,"
        "primary_location.source.display_name,biblio.volume,biblio.issue,biblio.first_page,biblio.last_page\n"
        'https://openalex.org/W1,https://doi.org/10.1000/OA.1,"Clusters, chains [J]. and upgrading",2019,'
        '"Ada Lovelace|Charles Babbage",Regional Studies,53,4,1,20\n'
    )
    for name in ("works.csv", "works.txt"):
        path = write(tmp_path, name, text)
        assert detect_format(path) == "csv"
        (rec,) = read_records(path).records
        assert rec.title == "Clusters, chains [J]. and upgrading"
        assert rec.authors == ("Ada Lovelace", "Charles Babbage")
        assert (rec.doi, rec.journal, rec.volume, rec.issue, rec.pages) == ("10.1000/oa.1", "Regional Studies", "53", "4", "1-20")


def test_csv_without_title_column_is_refused_not_read_as_citations(tmp_path: Path) -> None:
    path = write(tmp_path, "t.csv", "Name,Comment,Year\nWen H, Zeng G. Upgrading[J]. Human Geography, 2005\n")
    with pytest.raises(ImportFormatError, match="it looks like a table"):
        read_records(path)


def test_dimensions_csv_with_note_line(tmp_path: Path) -> None:
    text = (
        '"About the data: Exported on Jan 01, 2024. Criteria: cluster upgrading."\n'
        '"Rank","Publication ID","DOI","Title","Abstract","Source title","PubYear","Volume","Issue","Pagination","Authors"\n'
        '"1","pub.1","10.1000/dim.1","A Dimensions title","An abstract.","World Development","2020","5","2","10-20",'
        '"Smith, John; Wang, Li"\n'
    )
    result = read_records(write(tmp_path, "dimensions.csv", text))
    (rec,) = result.records
    assert (rec.title, rec.authors, rec.journal, rec.pages, rec.key) == (
        "A Dimensions title", ("Smith, John", "Wang, Li"), "World Development", "10-20", "pub.1")
    assert rec.source_line == 3


def test_ieee_csv(tmp_path: Path) -> None:
    text = (
        '"Document Title","Authors","Publication Title","Publication Year","Volume","Issue","Start Page",'
        '"End Page","Abstract","DOI","Author Keywords","IEEE Terms"\n'
        '"An IEEE paper","A. Smith; B. Jones","IEEE Access","2021","9","","100","110","Text.",'
        '"10.1109/ACCESS.2021.1","clusters;upgrading","Industries"\n'
    )
    (rec,) = read_records(write(tmp_path, "export2021.csv", text)).records
    assert (rec.authors, rec.journal, rec.pages, rec.doi) == (
        ("A. Smith", "B. Jones"), "IEEE Access", "100-110", "10.1109/access.2021.1")
    assert rec.keywords == ("clusters", "upgrading", "Industries")


# --- smaller gaps -------------------------------------------------------------------------------


def test_csl_json_editor_only_book_and_html_in_titles(tmp_path: Path) -> None:
    text = (
        '[{"id": "b", "type": "book", "title": "The <i>Edited</i> Book of <span class=\\"nocase\\">DNA</span> &amp; RNA",'
        ' "editor": [{"family": "Smith", "given": "Ann"}], "issued": {"date-parts": [[2001]]}}]'
    )
    (rec,) = read_records(write(tmp_path, "items.json", text)).records
    assert rec.title == "The Edited Book of DNA & RNA"
    assert rec.authors == ("Smith, Ann",) and rec.year == 2001


def test_noteexpress_every_translated_author(tmp_path: Path) -> None:
    text = (
        "{Reference Type}: Journal Article\n{Title}: 产业集群升级研究\n{Author}: 王亚军\n{Author}: 李明\n"
        "{Translated Author}: WANG Ya-jun\n{Translated Author}: LI Ming\n{Year}: 2020\n"
    )
    (rec,) = read_records(write(tmp_path, "ne.net", text)).records
    assert rec.authors == ("王亚军", "李明") and rec.authors_alt == ("WANG Ya-jun", "LI Ming")


def test_wos_early_access_year_when_py_missing(tmp_path: Path) -> None:
    text = "FN Clarivate\nVR 1.0\nPT J\nAU Smith, J\nTI Early paper\nEA JAN 2019\nEY 2019\nER\nEF\n"
    (rec,) = read_records(write(tmp_path, "ea.txt", text)).records
    assert rec.year == 2019


def test_pubmed_last_record_without_so_is_reported(tmp_path: Path) -> None:
    whole = "PMID- 1\nTI  - One\nSO  - J Test. 2020.\n\nPMID- 2\nTI  - Two\nSO  - J Test. 2021.\n"
    assert read_records(write(tmp_path, "whole.nbib", whole)).warnings == []
    cut = whole + "\nPMID- 3\nTI  - Three, cut in the mid"
    result = read_records(write(tmp_path, "cut.nbib", cut))
    assert len(result.records) == 3
    (warning,) = result.warnings
    assert (warning.line, warning.record) == (9, 3) and "looks cut" in warning.reason


# --- encodings -----------------------------------------------------------------------------------

GOOD = "".join(f"TY  - JOUR\nTI  - Gómez and Müller, café {i}\nAB  - Über die Straße\nER  - \n" for i in range(5))


def test_utf8_with_one_stray_latin1_byte_stays_utf8_and_is_reported(tmp_path: Path) -> None:
    data = GOOD.encode() + "TY  - JOUR\nTI  - caf\xe9 bad\nER  - \n".encode("latin-1")
    result = read_records(write(tmp_path, "stray.ris", data))
    assert result.encoding == "utf-8"
    assert [r.title for r in result.records][:5] == [f"Gómez and Müller, café {i}" for i in range(5)]
    assert result.records[5].title == "caf\ufffd bad"
    (warning,) = result.warnings
    assert warning.line == 22 and "byte 0xe9 at column 10 is not valid UTF-8" in warning.reason


def test_utf8_with_stray_gbk_bytes_is_not_read_as_gb18030(tmp_path: Path) -> None:
    data = GOOD.encode() + "TY  - JOUR\nTI  - 中 bad\nER  - \n".encode("gbk")
    result = read_records(write(tmp_path, "stray_gbk.ris", data))
    assert result.encoding == "utf-8" and result.records[0].title == "Gómez and Müller, café 0"
    assert [w.line for w in result.warnings] == [22, 22]


@pytest.mark.parametrize(
    ("encoding", "text"),
    [
        ("cp1252", GOOD + "TY  - JOUR\nTI  - “Quoted” – dash\nER  - \n"),
        ("gb18030", "TY  - JOUR\nTI  - 中国产业集群升级研究\nAB  - 全球价值链\nER  - \n" * 3),
        ("utf-16", GOOD),
        ("utf-8-sig", GOOD),
    ],
)
def test_whole_file_in_a_real_encoding(tmp_path: Path, encoding: str, text: str) -> None:
    result = read_records(write(tmp_path, f"{encoding}.ris", text.encode(encoding)))
    assert result.encoding == encoding and result.warnings == []
    assert [r.title for r in result.records] == [r.title for r in read_records(write(tmp_path, "u.ris", text)).records]


def test_no_clean_reading_is_refused_naming_the_line(tmp_path: Path) -> None:
    data = ("TY  - JOUR\nTI  - 中国产业集群升级研究\nER  - \n" * 3).encode("gbk") + b"\xff\n"
    with pytest.raises(ImportFormatError) as info:
        read_records(write(tmp_path, "broken.ris", data))
    assert info.value.line == 2
    assert "is not valid UTF-8, and neither GB18030, cp1252 nor Latin-1 reads the whole file cleanly" in str(info.value)


def test_ris_second_issn_and_url_lines_are_continuations_not_junk(tmp_path: Path) -> None:
    text = "TY  - JOUR\nTI  - Two ISSNs\nSN  - 0167-8809\n1873-2305\nUR  - http://a.example/1\nhttp://b.example/2\nER  - \n"
    result = read_records(write(tmp_path, "sn.ris", text))
    (rec,) = result.records
    assert result.warnings == [] and rec.url == "http://a.example/1"
    assert rec.raw["urls"] == ["http://a.example/1", "http://b.example/2"]


def test_ris_file_whose_writer_never_puts_ty(tmp_path: Path) -> None:
    """CiteSource writes records that start with C1 and end with ER, with no TY anywhere."""
    text = "C1  - 1\nAU  - Isaac, F\nTI  - First\nPY  - 2021\nER  - \n\nC1  - 2\nTI  - Second\nER  - \n"
    path = write(tmp_path, "citesource.ris", text)
    assert detect_format(path) == "ris"
    result = read_records(path)
    assert [(r.title, r.source_line) for r in result.records] == [("First", 1), ("Second", 7)]
    assert result.records[0].authors == ("Isaac, F",) and result.skipped == []


def test_jats_markup_in_abstracts_is_removed(tmp_path: Path) -> None:
    text = "TY  - JOUR\nTI  - Lens record\nAB  - <jats:p>&#x0D; Clusters &amp; chains.&#x0D; </jats:p>\nER  - \n"
    (rec,) = read_records(write(tmp_path, "lens.ris", text)).records
    assert rec.abstract == "Clusters & chains."


def test_forcing_a_legacy_encoding_on_a_utf8_file_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "u.ris", GOOD)
    with pytest.raises(ImportFormatError, match="valid UTF-8 with non-ASCII text: reading it as latin-1 would garble"):
        read_records(path, encoding="latin-1")
    assert read_records(path, encoding="utf-8").records[0].title == "Gómez and Müller, café 0"
    ascii_only = write(tmp_path, "a.ris", "TY  - JOUR\nTI  - Plain\nER  - \n")
    assert read_records(ascii_only, encoding="cp1252").encoding == "cp1252"


def test_cli_import_shows_each_note_with_its_line(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from reviewkit.cli import cli

    stray = write(tmp_path, "stray.ris", GOOD.encode() + "TY  - JOUR\nTI  - caf\xe9 bad\nER  - \n".encode("latin-1"))
    junk = write(tmp_path, "junk.ris", "".join(
        f"TY  - JOUR\nTI  - Cluster {i}\nPY  - 2001\nstray junk line {i}\nER  - \n" for i in range(25)))  # fmt: skip
    result = CliRunner().invoke(cli, ["import", "--db", str(tmp_path / "p.db"), str(stray), str(junk)])
    assert result.exit_code == 0, result.output
    assert "stray.ris [ris, utf-8]: 6 records, 6 added, 0 merged duplicates, 0 skipped, 1 note" in result.output
    assert f"note: {stray}, line 22: byte 0xe9 at column 10 is not valid UTF-8" in result.output
    assert "junk.ris [ris, utf-8]: 25 records, 25 added, 0 merged duplicates, 0 skipped, 25 notes" in result.output
    assert result.output.count("untagged line 'stray junk line") == 20  # the first 20, then a count
    assert f"... and 5 more notes on {junk} (no record was lost)." in result.output


MARKED = (
    "TY  - JOUR\nTI  - <b>Cluster upgrading in PM</b><sub>2.5</sub><b> monitoring firms</b>\nPY  - 2021\n"
    'AB  - <AbstractText Label="BACKGROUND" NlmCategory="BACKGROUND">Firms learn.</AbstractText>'
    '<AbstractText Label="RESULTS">Effects at p < 0.05 &amp; more.</AbstractText>'
    "<CopyrightInformation>© 2021 The Authors.</CopyrightInformation>\nER  - \n"
    "TY  - JOUR\nTI  - Decoding <scp>NLP</scp> in <i>value chains</i>\nPY  - 2022\n"
    'AB  - <jats:p>&lt;p dir="ltr"&gt;Objective&lt;/p&gt;&lt;p&gt;We code, a &lt;-&gt; b.&lt;/p&gt;</jats:p>\nER  - \n'
)


def test_html_and_xml_markup_leaves_titles_and_abstracts(tmp_path: Path) -> None:
    first, second = read_records(write(tmp_path, "lens.ris", MARKED)).records
    assert first.title == "Cluster upgrading in PM2.5 monitoring firms"
    assert first.abstract == "BACKGROUND: Firms learn. RESULTS: Effects at p < 0.05 & more. © 2021 The Authors."
    assert second.title == "Decoding NLP in value chains"
    assert second.abstract == "Objective We code, a <-> b."
    assert "<AbstractText" in first.raw["abstract"]  # the raw record keeps the file's text


def test_a_marked_up_title_merges_with_the_clean_one(tmp_path: Path) -> None:
    from reviewkit.project.importing import import_files
    from reviewkit.store import Store

    clean = write(tmp_path, "scopus.ris", "TY  - JOUR\nTI  - Cluster upgrading in PM2.5 monitoring firms\nPY  - 2021\nER  - \n")
    store = Store.open(tmp_path / "p.db")
    import_files(store, [clean])
    (report,) = import_files(store, [write(tmp_path, "lens.ris", MARKED)])
    assert (report.added, report.merged) == (1, 1)
    store.close()
