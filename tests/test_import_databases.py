"""The database an export came from is read from its content, kept per import run and names the PRISMA source."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from reviewkit.importers import detect_format
from reviewkit.importers.databases import database_from_text, detect_database
from reviewkit.project import open_project
from reviewkit.project.importing import import_files
from reviewkit.project.prisma import prisma_counts, source_label
from reviewkit.store import Store

# file under ../shared/fixtures -> the database its content names ("" = it does not say, or says several)
REAL = {
    "realworld/ris/revtools_restoration_scopus.ris": "Scopus",  # DB  - Scopus
    "realworld/ris/synthesisr_ASP_ris_example.ris": "Academic Search Premier via EBSCOhost",  # DB + DP
    "realworld/ris/citesource_GreenFile_ebsco.ris": "GreenFILE via EBSCOhost",  # links ...&db=8gh
    "realworld/ris/asreview_ovid_psycinfo.ris": "APA PsycInfo via Ovid",  # links ...&D=psyc16
    "realworld/ris/citesource_lens_343.ris": "Lens",  # every record's ID is a Lens ID
    "realworld/ris/asreview_baseline_zotero.ris": "",  # a Zotero library: 3 of 100 records link to lens.org
    "ris/asreview_ris_issue_992_rayyan.txt": "",  # Rayyan: records from several databases
    "ris/asreview_web_of_science_ris.txt": "Web of Science",  # AN  - WOS:...
    "ris/litstudy_example_ieee.ris": "",  # says nothing
    "realworld/bibtex/synthesisr_Scopus_bib_example.bib": "Scopus",  # source={Scopus}
    "realworld/bibtex/pybibx_wos_m.bib": "Web of Science",  # Unique-ID = {WOS:...}
    "realworld/bibtex/jabref_testbib_jabref-authors.bib": "",
    "scopus/litstudy_scopus.csv": "Scopus",
    "scopus/pytrackrecord_scopus.csv": "Scopus",
    "realworld/csv/bibliometrix_lens_sample.csv": "Lens",
    "realworld/csv/litstudy_springer.csv": "SpringerLink",
    "asreview_csv/asreview_embase.csv": "Embase",
    "asreview_csv/asreview_generic_labels.csv": "",
    "endnote_cnki/byc_cnki2xml_TEMP_cnki_endnote.txt": "CNKI",  # %W CNKI
    "endnote_cnki/cnki2bibtex_CoverAllTest15Entries.net": "CNKI",  # {Database Provider}: CNKI (14 of 15)
    "endnote_cnki/colrev_ais_enl.txt": "",
    "realworld/chinese/mrhelper_demo_wanfang_noteexpress_202101.NET": "Wanfang Data",
    "realworld/wos/revtools_restoration_WoS.ciw": "Web of Science",
    "realworld/pubmed/revtools_restoration_pubmed.nbib": "PubMed",
}


@pytest.mark.parametrize("name", sorted(REAL))
def test_real_exports_name_their_database(shared_fixtures: Path, name: str) -> None:
    path = shared_fixtures / name
    if not path.is_file():
        pytest.skip(f"{name} is not in ../shared/fixtures")
    assert detect_database(path, detect_format(path)) == REAL[name]


def _ris(*records: dict[str, str]) -> str:
    out = []
    for i, tags in enumerate(records):
        lines = ["TY  - JOUR", f"TI  - Title {i}", *(f"{k}  - {v}" for k, v in tags.items()), "ER  - ", ""]
        out.append("\n".join(lines))
    return "\n".join(out)


@pytest.mark.parametrize(
    "text,expected",
    [
        (_ris({"DB": "Scopus"}, {"DB": "Scopus"}), "Scopus"),
        (_ris({"DB": "MEDLINE", "DP": "Ovid Technologies"}), "MEDLINE via Ovid"),
        (_ris({"DB": "Academic Search Complete", "DP": "EBSCOhost"}), "Academic Search Complete via EBSCOhost"),
        (_ris({"DP": "EBSCOhost"}), "EBSCOhost"),
        (_ris({"UR": "https://www.scopus.com/inward/record.uri?eid=2-s2.0-1"}), "Scopus"),
        (_ris({"UR": "https://proxy.example.org/login?url=http://search.ebscohost.com/login.aspx?direct=true&db=bth&AN=1"}),
         "Business Source Premier via EBSCOhost"),  # fmt: skip
        (_ris({"AN": "WOS:000123"}, {"N1": "Times Cited in Web of Science Core Collection:  4"}), "Web of Science"),
        (_ris({"ID": "000-454-299-663-964"}, {"ID": "012-345-678-901-234"}), "Lens"),
        (_ris({"DB": "Scopus"}, {"DB": "Web of Science"}), ""),  # two databases in one file
        (_ris({"DB": "Scopus"}, {}, {}), ""),  # one record in three says so: not the file
        (_ris({}, {}), ""),
    ],
)
def test_ris_tags_and_links(text: str, expected: str) -> None:
    assert database_from_text(text, "ris") == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ("@article{a,\n  title = {One},\n  source = {Scopus}\n}\n@article{b,\n title={Two},\n source={Scopus},\n}\n", "Scopus"),
        ("@Article{ISI:1,\nTitle = {One},\nUnique-ID = {WOS:000076045300006},\n}\n", "Web of Science"),
        ("@article{a,\n  title = {One},\n  url = {https://www.scopus.com/inward/record.uri?eid=2-s2.0-1}\n}\n", "Scopus"),
        ("@article{a,\n  title = {One},\n  source = {Journal of Things}\n}\n", ""),  # a journal, not a database
        ("@string{j = {Journal}}\n@article{a,\n  title = {One}\n}\n", ""),
    ],
)
def test_bibtex_fields(text: str, expected: str) -> None:
    assert database_from_text(text, "bibtex") == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Authors,Title,Year,Source title,Link,Document Type,Source,EID\n"
         'A B.,One,2020,J,https://www.scopus.com/inward/record.uri?eid=2-s2.0-1,Article,Scopus,2-s2.0-1\n', "Scopus"),
        ("Authors,Title,Year,Source\nA,One,2020,Scopus\nB,Two,2021,Scopus\n", "Scopus"),
        ('"Lens ID","Title","Publication Year"\n"000-360-106-493-122","One",2020\n', "Lens"),
        ('"About the data: Exported on Jan 13, 2021. © 2021 Digital Science & Research Solutions Inc."\n'
         '"Rank","Publication ID","Title","PubYear"\n"1","pub.1","One","2020"\n', "Dimensions"),
        ('"Rank","Publication ID","Title","PubYear","Dimensions URL"\n"1","pub.1","One","2020","https://app.dimensions.ai/x"\n',
         "Dimensions"),
        ("id,doi,display_name,publication_year\nhttps://openalex.org/W1,,One,2020\nhttps://openalex.org/W2,,Two,2021\n",
         "OpenAlex"),
        ('"Document Title","Authors","Publication Year","Date Added To Xplore","IEEE Terms"\n"One","A","2020","",""\n',
         "IEEE Xplore"),
        ("Item Title,Publication Title,Item DOI,Authors,Publication Year,URL,Content Type\nOne,J,10.1/x,A,2020,,Article\n",
         "SpringerLink"),
        ("PMID,Title,Authors,Citation,First Author,Journal/Book,Publication Year\n1,One,A,c,A,J,2020\n", "PubMed"),
        ("Title\tAuthors\tUT (Unique WOS ID)\nOne\tA\tWOS:1\n", "Web of Science"),
        ("SrcDatabase-来源库,Title-题名,Author-作者\n期刊,一,王\n", "CNKI"),
        ("title,abstract,year\nOne,Text,2020\n", ""),
    ],
)  # fmt: skip
def test_csv_headers_and_columns(text: str, expected: str) -> None:
    assert database_from_text(text, "csv") == expected


@pytest.mark.parametrize(
    "text,fmt,expected",
    [
        ("%0 Journal Article\n%T 一\n%W CNKI\n\n%0 Thesis\n%T 二\n%W CNKI\n", "endnote", "CNKI"),
        ("%0 Journal Article\n%T One\n%U https://example.org\n", "endnote", ""),
        ("{Reference Type}: Journal Article\n{Title}: 一\n{Database Provider}: 北京万方数据股份有限公司\n", "noteexpress",
         "Wanfang Data"),
        ("{Reference Type}: Journal Article\n{Title}: 一\n{Database Provider}: 中国知网\n", "noteexpress", "CNKI"),
        ("RT Journal Article\nSR 1\nT1 一\nDS CNKI\n\nRT Journal Article\nSR 1\nT1 二\nDS CNKI\n", "refworks", "CNKI"),
        ("PT J\nTI One\nER\n", "wos", "Web of Science"),
        ("PMID- 1\nTI  - One\n", "pubmed", "PubMed"),
        ('[{"title": "One", "source": "Scopus"}]', "json", ""),  # CSL-JSON: not read
    ],
)  # fmt: skip
def test_chinese_and_tagged_exports(text: str, fmt: str, expected: str) -> None:
    assert database_from_text(text, fmt) == expected


def test_a_gb18030_noteexpress_file_names_cnki(tmp_path: Path) -> None:
    path = tmp_path / "知网导出.net"
    text = "".join(
        f"{{Reference Type}}: Journal Article\n{{Title}}: 集群升级研究{i}\n{{Author}}: 王;\n{{Year}}: 2005\n"
        f"{{Database Provider}}: CNKI\n\n"
        for i in range(3)
    )
    path.write_bytes(text.encode("gb18030"))
    assert detect_database(path, "noteexpress") == "CNKI"
    assert detect_database(path, "noteexpress", "gb18030") == "CNKI"


def test_a_csv_the_csv_module_cannot_read_still_names_its_database_by_header() -> None:
    huge = "x" * 200_000  # over csv.field_size_limit()
    assert database_from_text(f'Lens ID,Title\n"1","{huge}"\n', "csv") == "Lens"
    assert database_from_text(f'Title,Source\n"{huge}",Scopus\n', "csv") == ""


def test_an_unreadable_file_gives_no_name(tmp_path: Path) -> None:
    assert detect_database(tmp_path / "missing.ris", "ris") == ""
    assert detect_database(tmp_path / "missing.txt", "wos") == "Web of Science"


def test_the_flow_and_the_report_label_sources_by_database_and_file(tmp_path: Path) -> None:
    scopus = tmp_path / "scopus (3).csv"
    scopus.write_text(
        "Authors,Title,Year,Source title,Link,Source,EID\n"
        '"Wen H.","From local to global",2005,Human Geography,https://www.scopus.com/inward/record.uri?eid=2-s2.0-1,'
        "Scopus,2-s2.0-1\n"
        '"Zeng G.","Cluster upgrading in value chains",2006,Human Geography,'
        "https://www.scopus.com/inward/record.uri?eid=2-s2.0-2,Scopus,2-s2.0-2\n",
        encoding="utf-8",
    )
    plain = tmp_path / "mine.ris"
    plain.write_text(_ris({"PY": "2001"}), encoding="utf-8")
    store = open_project(tmp_path / "p.db", create=True)
    try:
        import_files(store, [scopus, plain])
        runs = store.imports.list()
        assert [r.database for r in runs] == ["Scopus", ""]
        assert prisma_counts(store).databases == (("Scopus (scopus (3).csv)", 2), ("mine.ris", 1))
        from reviewkit.project.report import _sources

        assert [s.label for s in _sources(store)] == ["Scopus (scopus (3).csv)", "mine.ris"]
    finally:
        store.close()


def test_a_project_from_before_the_column_keeps_its_file_name_labels(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    Store.open(db).close()
    con = sqlite3.connect(db)
    # the project as reviewkit wrote it before m008: no database column, one import run
    con.execute("ALTER TABLE imports DROP COLUMN database")
    con.execute("DELETE FROM _sqlite_migrations WHERE name = 'm008_import_database'")
    con.execute(
        "INSERT INTO imports (path, format, started_at, records) VALUES "
        "('exports/scopus.csv', 'csv', '2025-01-01T00:00:00', 5), ('exports/savedrecs.txt', 'wos', '2025-01-01T00:00:00', 3)"
    )
    con.commit()
    con.close()
    store = Store.open(db)
    try:
        runs = store.imports.list()
        assert [r.database for r in runs] == ["", ""]
        assert [source_label(r.path, r.format, r.database) for r in runs] == [
            "scopus.csv",
            "Web of Science (savedrecs.txt)",
        ]
    finally:
        store.close()
