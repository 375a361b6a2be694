"""Import of the XML and JSON exports found by trying other projects' real files (issue 10): EndNote
XML, PubMed XML, OpenAlex works, and the XML we do not read; each on a minimal file written here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reviewkit.errors import ImportFormatError
from reviewkit.importers import read_records
from reviewkit.records import Record


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- EndNote XML ---------------------------------------------------------------------------------

_ENDNOTE_XML = (
    '<?xml version="1.0" encoding="UTF-8" ?><xml><records><record><database name="My.enl" path="C:\\My.enl">'
    'My.enl</database><source-app name="EndNote" version="20.0">EndNote</source-app><rec-number>7</rec-number>'
    '<ref-type name="Journal Article">17</ref-type><contributors><authors><author>'
    '<style face="normal" font="default" size="100%">Gómez, José</style></author><author>'
    '<style face="normal" font="default" size="100%">Wang, </style><style face="italic" font="default" '
    'size="100%">Li</style></author></authors></contributors><titles><title><style face="normal" '
    'font="default" size="100%">Heat and </style><style face="superscript" font="default" size="100%">2</style>'
    '<style face="normal" font="default" size="100%"> health</style></title><secondary-title>'
    '<style face="normal" font="default" size="100%">J Test</style></secondary-title>'
    '<translated-title><style face="normal" font="default" size="100%">热与健康</style></translated-title>'
    '</titles><pages><style face="normal" font="default" size="100%">11-19</style></pages>'
    '<volume>3</volume><number>2</number><keywords><keyword><style face="normal" font="default" '
    'size="100%">heat&#xD;health</style></keyword><keyword>climate</keyword></keywords><dates><year>'
    '<style face="normal" font="default" size="100%">2019</style></year></dates>'
    '<electronic-resource-num><style face="normal" font="default" size="100%">10.1000/xyz.1</style>'
    '</electronic-resource-num><abstract><style face="normal" font="default" size="100%">First paragraph.'
    '&#xD;Second paragraph.</style></abstract><urls><related-urls><url>https://example.org/a</url>'
    "</related-urls></urls></record>"
    '<record><rec-number>8</rec-number><ref-type name="Edited Book">28</ref-type><contributors>'
    "<secondary-authors><author>Editor, Ann</author></secondary-authors></contributors>"
    "<titles><title>A book</title></titles><dates><year>2001</year></dates></record></records></xml>"
)


def test_endnote_xml_export(tmp_path: Path) -> None:
    result = read_records(write(tmp_path, "My EndNote Library.xml", _ENDNOTE_XML))
    assert result.format == "endnotexml"
    article, book = result.records
    assert article.title == "Heat and 2 health"
    assert article.authors == ("Gómez, José", "Wang, Li")
    assert (article.journal, article.year, article.volume, article.issue) == ("J Test", 2019, "3", "2")
    assert article.pages == "11-19" and article.doi == "10.1000/xyz.1"
    assert article.keywords == ("heat", "health", "climate")
    assert article.abstract == "First paragraph.\nSecond paragraph."
    assert article.title_alt == "热与健康" and article.url == "https://example.org/a"
    assert article.type == "journal-article" and article.key == "7"
    assert (book.title, book.authors, book.type) == ("A book", ("Editor, Ann",), "book")


def test_endnote_xml_not_well_formed_is_reported_with_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, "cut.xml", _ENDNOTE_XML[: len(_ENDNOTE_XML) // 2])
    with pytest.raises(ImportFormatError, match=r"cut\.xml.*line 1.*not well-formed XML"):
        read_records(path)


def test_endnote_xml_entities_are_not_resolved(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET", encoding="utf-8")
    text = (
        f'<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY x SYSTEM "file://{secret}">]>'
        "<xml><records><record><titles><title>T &x;</title></titles></record></records></xml>"
    )
    result = read_records(write(tmp_path, "xxe.xml", text), format="endnotexml", skip_bad=True)
    assert all("TOP SECRET" not in r.title for r in result.records)


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ('<?xml version="1.0"?>\n<modsCollection xmlns="http://www.loc.gov/mods/v3"><mods>', "MODS XML"),
        ('<?xml version="1.0"?>\n<library><book/></library>', "neither EndNote XML nor PubMed XML"),
    ],
)
def test_xml_we_do_not_read_is_named_with_what_to_export(tmp_path: Path, text: str, named: str) -> None:
    with pytest.raises(ImportFormatError, match=named):
        read_records(write(tmp_path, "export.xml", text))


# --- OpenAlex JSON -------------------------------------------------------------------------------

_WORK = {
    "id": "https://openalex.org/W3123223998",
    "doi": "https://doi.org/10.1257/0002828042002561",
    "title": "Are Emily and Greg More Employable?",
    "publication_year": 2004,
    "language": "en",
    "type": "article",
    "primary_location": {"source": {"display_name": "American Economic Review"}, "landing_page_url": "https://x"},
    "authorships": [{"author": {"display_name": "Marianne Bertrand"}}, {"author": {"display_name": "Sendhil M"}}],
    "biblio": {"volume": "94", "issue": "4", "first_page": "991", "last_page": "1013"},
    "abstract_inverted_index": {"We": [0], "study": [1], "race": [2, 5], "in": [3], "hiring;": [4]},
    "keywords": [{"display_name": "Discrimination"}],
}


def _check_work(rec: Record) -> None:
    assert rec.title == "Are Emily and Greg More Employable?"
    assert rec.authors == ("Marianne Bertrand", "Sendhil M")
    assert rec.abstract == "We study race in hiring; race"
    assert (rec.journal, rec.year, rec.pages) == ("American Economic Review", 2004, "991-1013")
    assert rec.doi == "10.1257/0002828042002561" and rec.key == "W3123223998"
    assert rec.keywords == ("Discrimination",)


def test_openalex_works_as_json_lines_api_page_and_single_document(tmp_path: Path) -> None:
    lines = read_records(write(tmp_path, "works.jsonl", json.dumps(_WORK) + "\n" + json.dumps(_WORK) + "\n"))
    assert len(lines.records) == 2
    _check_work(lines.records[0])
    page = {"meta": {"count": 2, "page": 1}, "results": [_WORK, dict(_WORK, id="https://openalex.org/W2")]}
    paged = read_records(write(tmp_path, "page.json", json.dumps(page)))
    assert [r.key for r in paged.records] == ["W3123223998", "W2"]
    single = read_records(write(tmp_path, "W3123223998.json", json.dumps(_WORK, indent=2)))
    assert single.format == "json"
    _check_work(single.records[0])


# --- PubMed XML ----------------------------------------------------------------------------------

_PUBMED_XML = """<?xml version="1.0"?>
<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2019//EN" "https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_190101.dtd">
<PubmedArticleSet>
<PubmedArticle>
  <MedlineCitation Status="MEDLINE" Owner="NLM">
    <PMID Version="1">29768149</PMID>
    <Article PubModel="Print">
      <Journal>
        <JournalIssue CitedMedium="Internet"><Volume>378</Volume><Issue>20</Issue>
          <PubDate><Year>2018</Year><Month>05</Month></PubDate></JournalIssue>
        <Title>The New England journal of medicine</Title>
      </Journal>
      <ArticleTitle>Inhaled budesonide-formoterol as needed in mild asthma.</ArticleTitle>
      <Pagination><MedlinePgn>1865-1876</MedlinePgn></Pagination>
      <ELocationID EIdType="doi" ValidYN="Y">10.1056/NEJMoa1715274</ELocationID>
      <Abstract>
        <AbstractText Label="BACKGROUND" NlmCategory="BACKGROUND">A fast-acting &#x3b2;<sub>2</sub>-agonist helps.</AbstractText>
        <AbstractText Label="METHODS" NlmCategory="METHODS">We did a <i>double-blind</i> trial.</AbstractText>
      </Abstract>
      <AuthorList CompleteYN="Y">
        <Author ValidYN="Y"><LastName>O'Byrne</LastName><ForeName>Paul M</ForeName><Initials>PM</Initials></Author>
        <Author ValidYN="Y"><CollectiveName>SYGMA 1 Investigators</CollectiveName></Author>
      </AuthorList>
      <Language>eng</Language>
      <PublicationTypeList><PublicationType UI="D016428">Journal Article</PublicationType></PublicationTypeList>
    </Article>
    <MeshHeadingList><MeshHeading><DescriptorName UI="D001249">Asthma</DescriptorName></MeshHeading></MeshHeadingList>
  </MedlineCitation>
  <PubmedData><ArticleIdList><ArticleId IdType="pubmed">29768149</ArticleId></ArticleIdList></PubmedData>
</PubmedArticle>
<PubmedBookArticle>
  <BookDocument>
    <PMID Version="1">20821847</PMID>
    <Book><BookTitle book="endocrin">Endocrinology: An Integrated Approach</BookTitle>
      <PubDate><Year>2001</Year></PubDate>
      <AuthorList Type="authors"><Author><LastName>Nussey</LastName><ForeName>Stephen</ForeName></Author></AuthorList>
    </Book>
    <Abstract><AbstractText>Endocrinology for trainee doctors.</AbstractText></Abstract>
  </BookDocument>
</PubmedBookArticle>
</PubmedArticleSet>
"""


def test_pubmed_xml_articles_and_books(tmp_path: Path) -> None:
    result = read_records(write(tmp_path, "pubmed-asthma-set.xml", _PUBMED_XML))
    assert result.format == "pubmedxml"
    article, book = result.records
    assert article.title == "Inhaled budesonide-formoterol as needed in mild asthma."
    assert article.abstract == "BACKGROUND: A fast-acting \u03b22-agonist helps.\nMETHODS: We did a double-blind trial."
    assert article.authors == ("O'Byrne, Paul M", "SYGMA 1 Investigators")
    assert (article.year, article.journal, article.volume, article.issue, article.pages) == (
        2018, "The New England journal of medicine", "378", "20", "1865-1876"
    )
    assert article.doi == "10.1056/nejmoa1715274" and article.key == "29768149" and article.keywords == ("Asthma",)
    assert article.language == "en" and article.type == "journal-article"
    assert (book.title, book.authors, book.year, book.type, book.key) == (
        "Endocrinology: An Integrated Approach", ("Nussey, Stephen",), 2001, "book", "20821847"
    )
    assert book.source_line == 31


def test_pubmed_xml_cut_short_is_reported(tmp_path: Path) -> None:
    with pytest.raises(ImportFormatError, match="not well-formed XML"):
        read_records(write(tmp_path, "cut.xml", _PUBMED_XML[:1500]))


def test_page_placeholders_are_no_pages(tmp_path: Path) -> None:
    text = (
        "TY  - JOUR\nTI  - Ovid via Zotero\nSP  - No-Specified\nER  - \n\n"
        "TY  - JOUR\nTI  - From a pandas export\nSP  - 12\nEP  - nan\nER  - \n"
    )
    assert [r.pages for r in read_records(write(tmp_path, "p.ris", text)).records] == ["", "12"]
