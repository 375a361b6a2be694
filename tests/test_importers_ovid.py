"""Ovid exports (tagged and labelled), on minimal files written in the shapes Ovid writes."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from reviewkit.cli import cli
from reviewkit.errors import ImportFormatError
from reviewkit.importers import detect_format, read_records

TAGGED = """<1. >
VN  - Ovid Technologies
DB  - Embase
UI  - 700000001
TI  - Collective learning in an industrial district: a case study.
SO  - Regional Studies. 41 (7) (pp 901-915), 2007. Date of Publication: 2007.
AU  - Garcia M.
AU  - Kowalski J.P.
IN  - (Garcia) Department of Geography, Some University,
      Somewhere, Spain
AB  - Background: firms in the district share tacit knowledge.
Method(s): interviews with 40 firms.
Conclusion(s): trust underpins collective learning.
DO  - http://dx.doi.org/10.1000/example.2007.1
MH  - *industrial district
MH  - trust
KW  - collective learning
LG  - English
PT  - Journal: Article
YR  - 2007

<2. >
VN  - Ovid Technologies
DB  - Embase
UI  - 700000002
TI  - Upgrading in global value chains.
SO  - World Development. 33 (4) (pp 549-573), 2005.
AU  - Lee K.
AB  - Suppliers move into design and branding.
LG  - English
PT  - Journal: Review
YR  - 2005
"""

LABELLED = """<1>
Accession Number
  00000000-200500000-00001.
Author
  Schmitz, Hubert 1;  Knorringa, Peter 2
Institution
  (1) Institute of Development Studies
Title
  Learning from global buyers.[Article]
Source
  Journal of Development Studies.   37(2):177-205, December 2000.
Abstract
  Global buyers teach suppliers product and process upgrading.
Author Keywords
  global value chains;  upgrading;  buyers.
Publication Type
  Journal Article
DOI Number
  10.1000/jds.2000.37.2

<2>
Author
  Editor E [Ed]
Title
  Clusters in Developing Countries
Publication Type
  Book
Source
  Editor(2004). Clusters in Developing Countries. (pp. 1-20) 300 pp. Address: Publisher
Abstract
  An edited book on clusters.
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_tagged_export_is_detected_and_read_whole(tmp_path: Path) -> None:
    path = write(tmp_path, "Embase_citavi.ovd", TAGGED)
    assert detect_format(path) == "ovid"
    result = read_records(path)
    assert result.format == "ovid"
    assert [r.key for r in result.records] == ["700000001", "700000002"]
    first, second = result.records
    assert first.title == "Collective learning in an industrial district: a case study."
    assert first.authors == ("Garcia M.", "Kowalski J.P.")
    # the EndNote field set writes an abstract's paragraphs at the margin: they stay in the abstract
    assert first.abstract.startswith("Background: firms in the district")
    assert first.abstract.endswith("trust underpins collective learning.")
    assert "Method(s): interviews with 40 firms." in first.abstract
    assert first.doi == "10.1000/example.2007.1"
    assert first.year == 2007
    assert first.journal == "Regional Studies"
    assert (first.volume, first.issue, first.pages) == ("41", "7", "901-915")
    assert set(first.keywords) == {"industrial district", "trust", "collective learning"}
    assert first.source_line == 1
    assert second.source_line == TAGGED.split("\n").index("<2. >") + 1
    assert (second.title, second.year, second.journal) == ("Upgrading in global value chains.", 2005, "World Development")


def test_labelled_citations_are_read_with_source_parts(tmp_path: Path) -> None:
    path = write(tmp_path, "ovid.txt", LABELLED)
    assert detect_format(path) == "ovid"
    article, book = read_records(path).records
    assert article.title == "Learning from global buyers."
    assert article.authors == ("Schmitz, Hubert", "Knorringa, Peter")
    assert (article.journal, article.volume, article.issue, article.pages) == (
        "Journal of Development Studies",
        "37",
        "2",
        "177-205",
    )
    assert article.year == 2000
    assert article.doi == "10.1000/jds.2000.37.2"
    assert article.keywords == ("global value chains", "upgrading", "buyers")
    assert article.type == "journal-article"
    # an edited book names only its editor: the editor stands in as its author
    assert book.authors == ("Editor E",)
    assert book.type == "book"
    assert book.year == 2004


def test_record_without_title_or_abstract_is_reported_with_its_line(tmp_path: Path) -> None:
    text = TAGGED + "\n<3. >\nVN  - Ovid Technologies\nDB  - Embase\nUI  - 700000003\nYR  - 2010\n"
    path = write(tmp_path, "cut.cgi", text)
    line = text.split("\n").index("<3. >") + 1
    with pytest.raises(ImportFormatError) as err:
        read_records(path)
    assert err.value.line == line
    assert "no title and no abstract" in str(err.value)
    kept = read_records(path, skip_bad=True)
    assert len(kept.records) == 2
    assert [(s.line, s.record) for s in kept.skipped] == [(line, 3)]


def test_text_before_the_first_record_is_reported_not_glued(tmp_path: Path) -> None:
    path = write(tmp_path, "search.cgi", "Search history: cluster* and upgrading\n\n" + TAGGED)
    result = read_records(path)
    assert len(result.records) == 2
    assert result.records[0].title.startswith("Collective learning")
    assert [w.line for w in result.warnings] == [1]
    assert "before the first record" in result.warnings[0].reason


def test_cli_imports_an_ovid_export(tmp_path: Path) -> None:
    path = write(tmp_path, "embase.cgi", TAGGED)
    project = tmp_path / "p.db"
    result = CliRunner().invoke(cli, ["import", "--db", str(project), str(path)])
    assert result.exit_code == 0, result.output
    assert "[ovid, utf-8, Embase via Ovid]: 2 records, 2 added" in result.output


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("30668574\n30235242\n30605475\n", "a list of PubMed IDs"),
        ("10.1000/abc.1\nhttps://doi.org/10.1000/xyz-2\n", "a list of DOIs"),
    ],
)
def test_a_list_of_identifiers_is_refused_with_what_to_export(tmp_path: Path, text: str, says: str) -> None:
    path = write(tmp_path, "pmid.txt", text)
    with pytest.raises(ImportFormatError) as err:
        read_records(path)
    assert says in str(err.value) and "pmid.txt" in str(err.value)


def test_the_flow_names_the_database_an_ovid_export_names(tmp_path: Path) -> None:
    from reviewkit.importers.databases import detect_database

    assert detect_database(write(tmp_path, "e.ovd", TAGGED), "ovid") == "Embase via Ovid"
    # the labelled layout names no database: the file name labels it
    assert detect_database(write(tmp_path, "o.txt", LABELLED), "ovid") == ""
    mixed = TAGGED.replace("DB  - Embase\nUI  - 700000002", "DB  - Ovid MEDLINE(R)\nUI  - 700000002")
    assert detect_database(write(tmp_path, "m.cgi", mixed), "ovid") == ""
