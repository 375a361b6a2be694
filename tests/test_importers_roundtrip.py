"""Round trips: a record written as RIS (rispy), BibTeX (bibtexparser 2) or CSV (stdlib) reads back the same."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reviewkit.importers import read_records

# Letters of English, European accents and Chinese, digits, and punctuation that is plain text in
# every format (BibTeX treats \ { } $ % ~ & # _ ^ as markup, so they are left out of its text).
ACCENTED = "éèêëáàâäãåçñóòôöõøúùûüíìîïýÿßæœÉÁÖÜÑÇŁłńśźżčšžřěůőűğış"
CHINESE = "产业集群升级全球价值链创新网络区域研究中国经济学技术学习信任制度"
ALPHABET = st.sampled_from(list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") + list(ACCENTED + CHINESE))
PUNCT = st.sampled_from(list(" .,:;?!()'-"))


@st.composite
def text(draw: st.DrawFn, min_words: int = 1, max_words: int = 12) -> str:
    words = draw(st.lists(st.text(ALPHABET, min_size=1, max_size=10), min_size=min_words, max_size=max_words))
    out = ""
    for word in words:
        out += word + draw(st.sampled_from([" ", " ", " ", ", ", ": ", ". "]))
    return out.strip(" ,:.") + draw(st.sampled_from(["", ".", "?"]))


LATIN = st.sampled_from(list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") + list(ACCENTED))


@st.composite
def names(draw: st.DrawFn) -> list[str]:
    """Western names written family-first ("Gómez, José") and Chinese names ("王亚军")."""
    not_and = st.text(LATIN, min_size=1, max_size=12).filter(lambda s: s.lower() not in ("and", "others"))
    western = st.builds(lambda f, g: f"{f}, {g}", not_and, not_and)
    chinese = st.text(st.sampled_from(list(CHINESE)), min_size=2, max_size=4)
    return draw(st.lists(st.one_of(western, chinese), min_size=1, max_size=5))


@st.composite
def records(draw: st.DrawFn) -> dict[str, Any]:
    suffix = draw(st.from_regex(r"[a-z0-9]{1,8}([./-][a-z0-9]{1,6}){0,3}", fullmatch=True))
    return {
        "title": draw(text()),
        "abstract": draw(text(3, 40)),
        "authors": draw(names()),
        "year": draw(st.integers(1950, 2030)),
        "journal": draw(text(1, 5)),
        "volume": str(draw(st.integers(1, 300))),
        "doi": f"10.{draw(st.integers(1000, 99999))}/{suffix}",
    }


SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _read(name: str, content: str, fmt: str) -> Any:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_text(content, encoding="utf-8", newline="")
        result = read_records(path)
        assert result.format == fmt and result.skipped == [] and result.warnings == []
        (rec,) = result.records
        return rec


def _same(rec: Any, r: dict[str, Any]) -> None:
    assert rec.title == r["title"]
    assert rec.abstract == r["abstract"]
    assert list(rec.authors) == r["authors"]
    assert (rec.year, rec.volume, rec.doi) == (r["year"], r["volume"], r["doi"])
    assert rec.journal == r["journal"]


@SETTINGS
@given(records())
def test_ris_written_by_rispy_reads_back(r: dict[str, Any]) -> None:
    import rispy

    entry = {
        "type_of_reference": "JOUR",
        "title": r["title"],
        "abstract": r["abstract"],
        "authors": r["authors"],
        "year": str(r["year"]),
        "journal_name": r["journal"],
        "volume": r["volume"],
        "doi": r["doi"],
    }
    rec = _read("x.ris", rispy.dumps([entry]), "ris")
    _same(rec, r)


@SETTINGS
@given(records())
def test_bibtex_written_by_bibtexparser_reads_back(r: dict[str, Any]) -> None:
    import bibtexparser
    from bibtexparser import model

    fields = {
        "title": r["title"],
        "abstract": r["abstract"],
        "author": " and ".join(r["authors"]),
        "year": str(r["year"]),
        "journal": r["journal"],
        "volume": r["volume"],
        "doi": r["doi"],
    }
    entry = model.Entry("article", "key2024", [model.Field(k, v) for k, v in fields.items()])
    library = bibtexparser.Library([entry])
    rec = _read("x.bib", bibtexparser.write_string(library), "bibtex")
    _same(rec, r)
    assert rec.key == "key2024"


@SETTINGS
@given(records())
def test_csv_written_by_the_csv_module_reads_back(r: dict[str, Any]) -> None:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Title", "Abstract", "Authors", "Year", "Source title", "Volume", "DOI"])
    writer.writerow([r["title"], r["abstract"], "; ".join(r["authors"]), r["year"], r["journal"], r["volume"], r["doi"]])
    rec = _read("x.csv", out.getvalue(), "csv")
    _same(rec, r)
