"""Provides the conversion between plain data (parsed YAML) and the codebook model, both ways."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reviewkit.codebook.model import LANGS, Code, Codebook

TOP_KEYS = ("name", "version", "description", "languages", "codes", "uncoded_examples")
"""Keys allowed at the top level of a codebook, in the order they are written."""

CODE_KEYS = (
    "id",
    "parent",
    "label",
    "definition",
    "include",
    "exclude",
    "keywords",
    "negative_keywords",
    "examples",
    "threshold",
    "color",
)
"""Keys allowed on a code, in the order they are written."""


def implied_parent(code_id: str) -> str | None:
    """The parent a dotted id implies (``upgrading.functional`` -> ``upgrading``), else None."""
    return code_id.rsplit(".", 1)[0] if "." in code_id else None


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _langmap(value: Any) -> dict[str, tuple[str, ...]]:
    if not isinstance(value, dict):
        return {}
    out: dict[str, tuple[str, ...]] = {}
    for lang, items in value.items():
        if isinstance(items, str):
            items = [items]
        if not isinstance(items, list | tuple):
            continue
        out[str(lang)] = tuple(str(x).strip() for x in items if x is not None and str(x).strip())
    return out


def _label(value: Any) -> dict[str, str]:
    if value is None:
        return {}
    if isinstance(value, dict):
        return {str(k): _text(v) for k, v in value.items() if _text(v)}
    return {"en": _text(value)} if _text(value) else {}


def _threshold(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def code_from_dict(item: dict[str, Any]) -> Code:
    """Build one `Code` from its parsed mapping (no validation; see `validate.validate_data`).

    Args:
        item: the mapping of one entry of ``codes``.

    Returns:
        The code; ``parent`` defaults to the prefix of a dotted id.
    """
    cid = _text(item.get("id"))
    given = item.get("parent")
    parent = (_text(given) or None) if given is not None else implied_parent(cid)
    return Code(
        id=cid,
        label=_label(item.get("label")),
        parent=parent,
        definition=_text(item.get("definition")),
        include=_text(item.get("include")),
        exclude=_text(item.get("exclude")),
        keywords=_langmap(item.get("keywords")),
        negative_keywords=_langmap(item.get("negative_keywords")),
        examples=_langmap(item.get("examples")),
        threshold=_threshold(item.get("threshold")),
        color=_text(item.get("color")),
    )


def codebook_from_dict(data: dict[str, Any], path: str = "") -> Codebook:
    """Build a `Codebook` from parsed YAML data (no validation; `load_codebook` validates first).

    Args:
        data: the parsed top-level mapping.
        path: the file it came from (names the codebook when ``name`` is missing).

    Returns:
        The codebook.
    """
    codes = tuple(code_from_dict(item) for item in data.get("codes") or [] if isinstance(item, dict))
    languages = data.get("languages")
    if isinstance(languages, list) and languages:
        langs = tuple(str(x) for x in languages)
    else:
        langs = LANGS
    version = data.get("version")
    return Codebook(
        name=_text(data.get("name")) or (Path(path).stem if path else "codebook"),
        version=_text(version) or "0",
        codes=codes,
        description=_text(data.get("description")),
        languages=langs,
        uncoded_examples=_langmap(data.get("uncoded_examples")),
        path=str(path),
    )


def _listmap(value: dict[str, tuple[str, ...]]) -> dict[str, list[str]]:
    return {lang: list(items) for lang, items in value.items() if items}


def code_to_dict(code: Code) -> dict[str, Any]:
    """The plain mapping of one code, keys in the documented order, empty fields left out.

    ``parent`` is written only when the dotted id does not already imply it.

    Args:
        code: the code.

    Returns:
        A dict ready for YAML or JSON.
    """
    out: dict[str, Any] = {"id": code.id}
    if code.parent is not None and code.parent != implied_parent(code.id):
        out["parent"] = code.parent
    if code.label:
        out["label"] = dict(code.label)
    for key in ("definition", "include", "exclude"):
        value = getattr(code, key)
        if value:
            out[key] = value
    for key in ("keywords", "negative_keywords", "examples"):
        value = _listmap(getattr(code, key))
        if value:
            out[key] = value
    if code.threshold is not None:
        out["threshold"] = code.threshold
    if code.color:
        out["color"] = code.color
    return out


def codebook_to_dict(codebook: Codebook) -> dict[str, Any]:
    """The plain mapping of a codebook in the documented YAML layout (keys in order, empties left out).

    Args:
        codebook: the codebook.

    Returns:
        A dict that `codebook_from_dict` turns back into an equal codebook.
    """
    out: dict[str, Any] = {"name": codebook.name, "version": codebook.version}
    if codebook.description:
        out["description"] = codebook.description
    out["languages"] = list(codebook.languages)
    out["codes"] = [code_to_dict(code) for code in codebook.codes]
    uncoded = _listmap(codebook.uncoded_examples)
    if uncoded:
        out["uncoded_examples"] = uncoded
    return out
