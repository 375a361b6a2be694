"""Provides the mapping of OpenAlex work objects (its API's JSON, as pyalex or a download saves them) to
Record fields: authorships, the abstract rebuilt from its inverted index, the source as journal."""

from __future__ import annotations

from typing import Any

from reviewkit.importers.normalise import (
    clean,
    norm_doi,
    norm_language,
    norm_pages,
    norm_type,
    norm_year,
)


def is_openalex_work(obj: dict[str, Any]) -> bool:
    """Whether `obj` is an OpenAlex work (its id, authorships or inverted-index abstract)."""
    return (
        "authorships" in obj
        or "abstract_inverted_index" in obj
        or str(obj.get("id", "")).startswith("https://openalex.org/W")
    )


def rebuild_abstract(index: Any) -> str:
    """The abstract from OpenAlex's inverted index (word -> positions), words in position order."""
    if not isinstance(index, dict):
        return ""
    placed: dict[int, str] = {}
    for word, positions in index.items():
        if isinstance(positions, list):
            for p in positions:
                if isinstance(p, int):
                    placed[p] = str(word)
    return " ".join(placed[p] for p in sorted(placed))


def _dig(obj: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(key)
    return obj


def _names(items: Any, *path: str) -> tuple[str, ...]:
    if not isinstance(items, list):
        return ()
    return tuple(n for n in (clean(_dig(item, *path)) for item in items) if n)


def openalex_fields(obj: dict[str, Any]) -> dict[str, Any]:
    """Map one OpenAlex work object to Record keyword arguments (the whole object kept as `raw`)."""
    found = obj.get("biblio")
    biblio: dict[str, Any] = found if isinstance(found, dict) else {}
    journal = clean(_dig(obj, "primary_location", "source", "display_name")) or clean(
        _dig(obj, "host_venue", "display_name")
    )
    work_id = clean(obj.get("id"))
    return {
        "title": clean(obj.get("title") or obj.get("display_name")),
        "abstract": rebuild_abstract(obj.get("abstract_inverted_index")),
        "authors": _names(obj.get("authorships"), "author", "display_name"),
        "year": norm_year(obj.get("publication_year") or obj.get("publication_date")),
        "journal": journal,
        "volume": clean(biblio.get("volume")),
        "issue": clean(biblio.get("issue")),
        "pages": norm_pages(clean(biblio.get("first_page")), clean(biblio.get("last_page"))),
        "doi": norm_doi(clean(obj.get("doi"))),
        "keywords": _names(obj.get("keywords"), "display_name"),
        "language": norm_language(obj.get("language")),
        "type": norm_type(obj.get("type")) if obj.get("type") else "",
        "url": clean(_dig(obj, "primary_location", "landing_page_url")),
        "key": work_id.rsplit("/", 1)[-1],
        "raw": obj,
    }
