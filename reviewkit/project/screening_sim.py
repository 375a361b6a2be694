"""Provides the screening simulation service: read a labelled file with the importers, replay it with `reviewkit.learn`.

A labelled file is any export the importers read whose records carry a decision:

- a table (CSV/TSV) with a ``label_included`` column (ASReview's labelled format; ``included``
  and ``final_included`` are accepted too), values 1/0, yes/no, true/false, included/excluded;
- RIS (or another tagged format) whose notes hold ASReview's ``ASReview_relevant`` /
  ``ASReview_irrelevant`` or Rayyan's ``RAYYAN-INCLUSION: {...=>"Included"}`` marks.

The text the learner reads is title + abstract, with the second-language title and abstract too.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reviewkit.errors import ImportFormatError, ReviewkitError
from reviewkit.records import Record

LABEL_COLUMNS = ("label_included", "included", "final_included")
"""Column names read as the inclusion label, first found wins (case-insensitive)."""

_TRUE = {"1", "1.0", "yes", "y", "true", "t", "included", "include", "relevant"}
_FALSE = {"0", "0.0", "no", "n", "false", "f", "excluded", "exclude", "irrelevant"}
_RAYYAN = re.compile(r"RAYYAN-INCLUSION:\s*\{[^}]*=>\s*\"?(Included|Excluded|Maybe)", re.IGNORECASE)
_ASREVIEW = re.compile(r"\bASReview_(relevant|irrelevant)\b", re.IGNORECASE)


@dataclass(frozen=True)
class LabelledSet:
    """A fully labelled collection, ready for the simulation."""

    path: str
    format: str
    records: list[Record]
    texts: list[str]
    labels: list[bool]


def record_text(record: Record) -> str:
    """The text the learner reads: title and abstract, in both languages where present."""
    parts = (record.title, record.abstract, record.title_alt, record.abstract_alt)
    return "\n".join(p for p in parts if p)


def _notes(raw: dict[str, Any]) -> str:
    values: list[str] = []
    for key, value in raw.items():
        if key.lower() in {"notes", "note", "n1", "research_notes"}:
            values.extend(value if isinstance(value, list) else [str(value)])
    return "\n".join(str(v) for v in values)


def _label(record: Record) -> bool | None | str:
    """True/False, None when the record carries no label, or the unreadable value as a string."""
    lowered = {k.lower(): v for k, v in record.raw.items()}
    for col in LABEL_COLUMNS:
        if col in lowered:
            value = str(lowered[col]).strip().lower()
            if value == "":
                return None
            if value in _TRUE:
                return True
            if value in _FALSE:
                return False
            return f"{col}={lowered[col]!r}"
    notes = _notes(record.raw)
    m = _ASREVIEW.search(notes)
    if m:
        return m.group(1).lower() == "relevant"
    m = _RAYYAN.search(notes)
    if m:
        return m.group(1).lower() == "included"
    return None


record_label = _label
"""A record's inclusion label: True/False, None when it has none, or the unreadable value as a string."""


def read_labelled(path: str | Path, *, format: str | None = None) -> LabelledSet:
    """Read a labelled file (see the module docstring).

    Args:
        path: the file.
        format: force an importer format; None to detect.

    Returns:
        The `LabelledSet`, records in file order.

    Raises:
        ImportFormatError: unreadable file; no label anywhere (the message lists the file's columns
            or fields); a record without a label or with an unreadable one (named by line); no
            inclusion or no exclusion.
    """
    from reviewkit.importers import read_records

    spath = str(path)
    result = read_records(path, format)
    labels = [_label(r) for r in result.records]
    if all(v is None for v in labels):
        fields = list(dict.fromkeys(k for r in result.records for k in r.raw))
        raise ImportFormatError(
            spath,
            None,
            f"no inclusion labels found: a labelled file needs a label_included column (1 = included, "
            f"0 = excluded) or ASReview/Rayyan inclusion notes; its {result.format} fields are: "
            f"{', '.join(fields[:30]) or '(none)'}",
        )
    for i, (rec, v) in enumerate(zip(result.records, labels, strict=True), start=1):
        if v is None or isinstance(v, str):
            missing = sum(1 for x in labels if x is None or isinstance(x, str))
            what = "has no label" if v is None else f"has an unreadable label {v} (use 1 or 0)"
            raise ImportFormatError(
                spath,
                rec.source_line,
                f"record {i} {what}; the simulation needs every record labelled "
                f"({missing} of {len(labels)} are not)",
                record=i,
            )
    bools = [bool(v) for v in labels]
    if all(bools) or not any(bools):
        kind = "inclusion" if not any(bools) else "exclusion"
        raise ImportFormatError(spath, None, f"the file has no {kind}; a simulation needs both")
    return LabelledSet(spath, result.format, result.records, [record_text(r) for r in result.records], bools)


def bundled_encoder(model_obj: Any | None = None) -> Callable[[Sequence[str]], Any]:
    """The bundled all-MiniLM-L6-v2 as an ``encode(texts)`` callable (loaded once, offline).

    Args:
        model_obj: an already loaded SentenceTransformer to reuse instead of loading the bundled one.
    """
    from reviewkit.tagger.embed import make_sentence_transformer

    embedder = make_sentence_transformer(model_obj=model_obj)
    return lambda texts: embedder.encode(list(texts))


def simulate_file(
    path: str | Path,
    *,
    seeds: int = 5,
    prior_included: int = 1,
    prior_excluded: int = 1,
    learner: str = "logistic",
    strategy: str = "certainty",
    criteria: str = "",
    encode: Callable[[Sequence[str]], Any] | None = None,
    format: str | None = None,
) -> dict[str, Any]:
    """Simulate screening a labelled file and return the report as a JSON-ready dict.

    Args:
        path: the labelled file.
        seeds: number of runs (seeds 0..seeds-1).
        prior_included: inclusions known at the start of each run.
        prior_excluded: exclusions known at the start of each run.
        learner: ``logistic``, ``nb`` or ``svm``.
        strategy: ``certainty`` or ``uncertainty``.
        criteria: criteria text for the cold start.
        encode: an embedding callable to add sentence embeddings to TF-IDF; None for TF-IDF only.
        format: force an importer format.

    Returns:
        ``{"file", "format", "records", "included", "features", "learner", "strategy", "seeds",
        "prior_included", "prior_excluded", "model": {metric: mean}, "random": {metric: mean},
        "runs": [per-seed metrics]}``.

    Raises:
        ReviewkitError: bad file or bad parameters.
    """
    from reviewkit.learn import build_features, simulate

    data = read_labelled(path, format=format)
    if seeds < 1:
        raise ReviewkitError("--seeds must be at least 1")
    n_inc = sum(data.labels)
    if prior_included < 0 or prior_excluded < 0:
        raise ReviewkitError("--prior-included and --prior-excluded cannot be negative")
    if prior_included >= n_inc or prior_excluded > len(data.labels) - n_inc:
        raise ReviewkitError(
            f"{data.path} has {n_inc} inclusions and {len(data.labels) - n_inc} exclusions: "
            f"--prior-included must be below {n_inc} and --prior-excluded at most {len(data.labels) - n_inc}"
        )
    features = build_features(data.texts, encode=encode)
    try:
        result = simulate(
            features, data.labels, seeds=list(range(seeds)), prior_included=prior_included,
            prior_excluded=prior_excluded, learner=learner, strategy=strategy, criteria=criteria,
        )  # fmt: skip
    except ValueError as exc:
        raise ReviewkitError(f"{data.path}: {exc}") from exc
    out: dict[str, Any] = {
        "file": data.path,
        "format": data.format,
        "records": result.n_records,
        "included": result.n_included,
        "features": "tfidf+embeddings" if encode is not None else "tfidf",
    }
    out.update({k: v for k, v in result.to_dict().items() if k not in {"n_records", "n_included"}})
    return out
