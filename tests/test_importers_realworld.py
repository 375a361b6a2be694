"""Real exports from ../shared/fixtures/realworld: counts from SOURCES.md, the known defects fixed, peers agree."""

from __future__ import annotations

import functools
import re
import unicodedata
from pathlib import Path

import pytest
from test_importers import REAL_FILES

from reviewkit.importers import ReadResult, read_records
from reviewkit.importers.markup import _TAG, strip_markup

# (path under realworld/, expected records (SOURCES.md), format)
REALWORLD = [
    ("ris/asreview_ovid_psycinfo.ris", 6, "ris"),
    ("ris/synthesisr_ASP_ris_example.ris", 4, "ris"),
    ("ris/citesource_lens_343.ris", 343, "ris"),
    ("ris/asreview_baseline_zotero.ris", 100, "ris"),
    ("ris/revtools_restoration_scopus.ris", 286, "ris"),
    ("ris/citesource_GreenFile_ebsco.ris", 139, "ris"),
    ("bibtex/synthesisr_Scopus_bib_example.bib", 3, "bibtex"),
    ("bibtex/jabref_testbib_jabref-authors.bib", 212, "bibtex"),
    ("bibtex/bbt_collections_901.bibtex", 36, "bibtex"),
    ("bibtex/pybibx_wos_m.bib", 29, "bibtex"),
    ("wos/revtools_restoration_WoS.ciw", 247, "wos"),
    ("wos/jabref_IsiImporterTestMedline.isi", 2, "wos"),
    ("pubmed/revtools_restoration_pubmed.nbib", 104, "pubmed"),
    ("csv/bibliometrix_lens_sample.csv", 8, "csv"),
    ("csv/litstudy_springer.csv", 18, "csv"),
    ("csljson/bbt_csl_exporters_1179.csl.json", 26, "json"),
    ("chinese/mrhelper_demo_wanfang_noteexpress_202101.NET", 20, "noteexpress"),
    ("large/metaknowledge_ManyAuthors.isi", 500, "wos"),
]


@pytest.fixture(scope="module")
def realworld(shared_fixtures: Path) -> Path:
    path = shared_fixtures / "realworld"
    if not path.is_dir():
        pytest.skip("../shared/fixtures/realworld is not available")
    return path


@functools.cache
def read(path: Path) -> ReadResult:
    return read_records(path)


def _text_fields(result: ReadResult) -> list[str]:
    out: list[str] = []
    for r in result.records:
        out += [r.title, r.abstract, r.journal, r.title_alt, r.abstract_alt, *r.authors, *r.authors_alt]
    return out


def test_the_list_covers_every_file_and_matches_sources_md(realworld: Path) -> None:
    files = {str(p.relative_to(realworld)) for p in realworld.rglob("*") if p.is_file() and p.name != "SOURCES.md"}
    assert files == {rel for rel, _, _ in REALWORLD}
    table = (realworld / "SOURCES.md").read_text(encoding="utf-8")
    for rel, count, _ in REALWORLD:
        row = next(line for line in table.splitlines() if f"`{rel}`" in line)
        assert f"| {count} |" in row, rel


@pytest.mark.parametrize(("rel", "count", "fmt"), REALWORLD, ids=[r[0] for r in REALWORLD])
def test_real_export_read_whole(rel: str, count: int, fmt: str, realworld: Path) -> None:
    result = read(realworld / rel)  # no skip_bad: one bad record would raise
    assert (result.format, len(result.records), result.skipped) == (fmt, count, [])
    source = (realworld / rel).read_bytes().decode("utf-8", errors="replace")
    for text in _text_fields(result):
        assert "\ufffd" not in text or "\ufffd" in source, (rel, text[:80])
        assert "\\" not in text or fmt != "bibtex", (rel, text[:80])  # LaTeX left over
        assert unicodedata.is_normalized("NFC", text), (rel, text[:80])
        assert not re.search(r"Ã[\x80-\xbf©¨¼¶]|â€", text), (rel, text[:80])  # UTF-8 read as cp1252
    for rec in result.records:
        assert " " not in rec.doi and rec.doi == rec.doi.lower()


def test_ovid_tag_after_er_is_kept_with_its_record(realworld: Path) -> None:
    recs = read(realworld / "ris/asreview_ovid_psycinfo.ris").records
    assert recs[0].doi == "10.1002/cpp.2398"
    assert recs[0].raw["after_end"] == ["NL  - Clin Psychol Psychother"]
    assert all(r.title and r.authors for r in recs)


def test_ebsco_second_abstract_t2_title_and_l3_doi(realworld: Path) -> None:
    recs = read(realworld / "ris/synthesisr_ASP_ris_example.ris").records
    first, chinese = recs[0], recs[3]
    assert first.doi == "10.1016/j.agee.2016.06.041"  # from L3
    assert first.abstract.startswith("Small rodents") and "Copyright of Agriculture" in first.abstract
    assert chinese.title.startswith("2ZGK-6 型") and chinese.title_alt.startswith("Design and experiment")
    assert chinese.abstract.startswith("针对我国水稻生产") and chinese.abstract_alt.startswith("Rice production")
    assert chinese.doi == "10.11975/j.issn.1002-6819.2016.21.005"


def test_scopus_bibtex_field_names_with_no_break_space(realworld: Path) -> None:
    recs = read(realworld / "bibtex/synthesisr_Scopus_bib_example.bib").records
    assert [r.key for r in recs] == ["Li2020", "Cao2020", "Tang2020"]
    assert recs[0].authors[:2] == ("Li, W.", "Dou, Z.") and len(recs[0].authors) == 10
    assert recs[0].raw["funding_text 1"].startswith("The Special Fund for Forest")
    assert recs[1].doi == "10.1080/20964129.2020.1749010"


def test_jabref_accents_and_superscripts(realworld: Path) -> None:
    recs = read(realworld / "bibtex/jabref_testbib_jabref-authors.bib").records
    authors = {a for r in recs for a in r.authors}
    assert "Andreas Schönberger" in authors
    assert not any("textsuperscript" in r.journal for r in recs)
    assert any("20th European Conference" in r.journal for r in recs)


def test_better_bibtex_relax_and_french(realworld: Path) -> None:
    recs = read(realworld / "bibtex/bbt_collections_901.bibtex").records
    assert any(r.authors == ("Bunge, MA",) for r in recs)
    assert "Considérations d'un philosophe sur l'économique du néo-conservatisme (néo-libéralisme)" in {
        r.title for r in recs
    }


def test_wos_early_access_year_and_authors_on_one_line(realworld: Path) -> None:
    assert all(r.year for r in read(realworld / "wos/revtools_restoration_WoS.ciw").records)
    recs = read(realworld / "wos/jabref_IsiImporterTestMedline.isi").records
    assert len(recs[1].authors) == 7 and recs[1].authors[0] == "Joffe, Hadine"
    assert recs[1].pages == "411-22"


def test_lens_and_springer_csv_authors(realworld: Path) -> None:
    lens = read(realworld / "csv/bibliometrix_lens_sample.csv").records
    assert all(r.authors for r in lens)
    assert lens[0].authors[:2] == ("Petar Radanliev", "David De Roure")
    assert (lens[0].volume, lens[0].issue) == ("41", "2")
    springer = read(realworld / "csv/litstudy_springer.csv").records
    assert springer[0].authors == ("Araz R. Aliev", "Nigar T. Ismayilova")
    assert springer[0].doi == "10.1007/978-3-030-92127-9_33"


def test_csl_short_dois_kept(realworld: Path) -> None:
    recs = read(realworld / "csljson/bbt_csl_exporters_1179.csl.json").records
    short = [r.doi for r in recs if r.doi.startswith("10/")]
    assert len(short) == 15 and "10/fqd6hj" in short


def test_wanfang_translated_authors_and_full_width_doi(realworld: Path) -> None:
    recs = read(realworld / "chinese/mrhelper_demo_wanfang_noteexpress_202101.NET").records
    assert recs[0].authors_alt == ("Wenjie JIANG", "Chao HAN", "Damin GU")
    assert "10.3969/j.issn.1672-187x.2020.01.017" in {r.doi for r in recs}


def test_sici_dois_whole(realworld: Path) -> None:
    dois = {r.doi for r in read(realworld / "large/metaknowledge_ManyAuthors.isi").records}
    assert "10.1002/(sici)1097-0045(19971101)33:3<217::aid-pros11>3.0.co;2-n" in dois
    assert "10.1002/1097-0142(20000701)89:1<135::aid-cncr18>3.0.co;2-#" in dois


# --- peers: every shared fixture of these formats read by rispy, bibtexparser 2 and nbib ------------

ALL = [(f"realworld/{rel}", fmt) for rel, _, fmt in REALWORLD] + [(rel, fmt) for rel, _, fmt in REAL_FILES]
RIS_FILES = [rel for rel, fmt in ALL if fmt == "ris"]
BIB_FILES = [rel for rel, fmt in ALL if fmt == "bibtex"]
PUBMED_FILES = [rel for rel, fmt in ALL if fmt == "pubmed"]


def _peer_text(path: Path) -> str:
    """The file as the peers get it: decoded like ours and with LF line ends (rispy stops at bare CRs)."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("gb18030")
    return text.replace("\r\n", "\n").replace("\r", "\n")


@pytest.mark.parametrize("rel", RIS_FILES)
def test_ris_agrees_with_rispy(rel: str, shared_fixtures: Path) -> None:
    import rispy

    path = shared_fixtures / rel
    peer = rispy.loads(_peer_text(path), skip_unknown_tags=True)
    ours = read(path).records
    assert len(ours) == len(peer)
    for mine, theirs in zip(ours, peer, strict=True):
        title = (theirs.get("title") or theirs.get("primary_title") or "").strip()
        # (EBSCO: T1 original, T2 English -> title_alt; HTML/XML tags are ours to remove, rispy keeps them)
        assert strip_markup(title) in (mine.title, mine.title_alt)
        assert list(mine.authors) == [a.strip() for a in theirs.get("authors", theirs.get("first_authors", []))]
        if theirs.get("doi"):
            assert mine.doi in theirs["doi"].lower()


@pytest.mark.parametrize("rel", BIB_FILES)
def test_bibtex_agrees_with_bibtexparser(rel: str, shared_fixtures: Path) -> None:
    import bibtexparser

    path = shared_fixtures / rel
    peer = bibtexparser.parse_string(_peer_text(path))
    ours = read(path).records
    # bibtexparser sets entries with a repeated key or field aside; we keep them (nothing is lost).
    peer_keys = [e.key for e in peer.entries] + [b.ignore_error_block.key for b in peer.failed_blocks]
    assert sorted(r.key for r in ours) == sorted(peer_keys)
    by_key = {e.key: e for e in peer.entries}
    for mine in ours:
        entry = by_key.get(mine.key)
        if entry is not None and "doi" in entry.fields_dict:
            assert mine.doi == entry.fields_dict["doi"].value.strip().lower()


@pytest.mark.parametrize("rel", PUBMED_FILES)
def test_pubmed_agrees_with_nbib(rel: str, shared_fixtures: Path) -> None:
    import nbib

    path = shared_fixtures / rel
    try:
        peer = nbib.read(_peer_text(path))
    except Exception as exc:  # nbib refuses some valid files (ERIC's .nbib: a bare URL line)
        pytest.skip(f"nbib cannot read {rel}: {exc}")
    ours = read(path).records
    assert len(ours) == len(peer)
    for mine, theirs in zip(ours, peer, strict=True):
        assert mine.key == str(theirs.get("pubmed_id", ""))
        assert mine.title == " ".join(str(theirs.get("title", "")).split())
        if theirs.get("doi"):
            assert mine.doi == theirs["doi"].lower()


@pytest.mark.parametrize(("rel", "fmt"), ALL)
def test_no_markup_reaches_titles_or_abstracts(rel: str, fmt: str, shared_fixtures: Path) -> None:
    for rec in read(shared_fixtures / rel).records:
        for text in (rec.title, rec.abstract, rec.title_alt, rec.abstract_alt):
            assert _TAG.search(text) is None, (rec.source_line, text[:200])


def test_lens_structured_abstracts_keep_their_labels(shared_fixtures: Path) -> None:
    records = read(shared_fixtures / "realworld/ris/citesource_lens_343.ris").records
    raw_tagged = [r for r in records if "<AbstractText" in str(r.raw)]
    assert len(raw_tagged) == 19  # the file as Lens wrote it (kept in the raw record)
    assert all(re.search(r"\b[A-Z][A-Za-z ]+: ", r.abstract) for r in raw_tagged)  # "BACKGROUND: ..."
    (pm,) = [r for r in records if r.title.startswith("Short-term exposure to wildfire-specific PM2.5") and r.doi][:1]
    assert pm.title.endswith("a study in multiple countries/territories")
