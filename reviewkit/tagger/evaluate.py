"""Provides evaluation of the tagger against human-coded passages (gold JSONL): P, R, F1, kappa per code.

A gold file has one JSON object per line, ``{"id": ..., "lang": "en"|"zh", "text": ..., "codes": [...]}``;
each line is one passage (it is not re-segmented). Blank lines are skipped. Optional keys ``doc``
(the abstract the passage came from; passages of one abstract in reading order) and ``title`` (that
abstract's title, on any of its lines) let the evaluation rebuild each abstract, so every passage is
scored with its document around it, as `reviewkit code` scores a project's passages.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reviewkit.codebook.model import Codebook
from reviewkit.errors import EvaluationError
from reviewkit.lang import detect_language


@dataclass(frozen=True)
class GoldPassage:
    """One human-coded passage."""

    id: str
    text: str
    lang: str
    codes: frozenset[str]
    line: int
    doc: str | None = None
    """The abstract this passage belongs to (None: a passage on its own)."""
    title: str = ""
    """That abstract's title, when the gold file gives one."""


@dataclass
class CodeMetrics:
    """Agreement of the tagger with the gold codes for one code."""

    precision: float
    recall: float
    f1: float
    kappa: float
    support: int


@dataclass
class EvaluationReport:
    """Metrics per code and overall (micro/macro F1, mean kappa), overall and per language."""

    method: str
    n_passages: int
    per_code: dict[str, CodeMetrics]
    micro_f1: float
    macro_f1: float
    mean_kappa: float
    by_lang: dict[str, dict[str, float]] = field(default_factory=dict)
    """lang -> {n_passages, micro_f1, macro_f1, mean_kappa}."""
    learning: dict[str, Any] | None = None
    """With ``--learn-split``: the learning measurement (`reviewkit.tagger.learning_eval.simulate_learning`)."""

    def as_dict(self) -> dict[str, Any]:
        """The report as the JSON object printed by ``reviewkit evaluate --json``."""
        return {
            "method": self.method,
            "n_passages": self.n_passages,
            "per_code": {
                cid: {
                    "precision": m.precision,
                    "recall": m.recall,
                    "f1": m.f1,
                    "kappa": m.kappa,
                    "support": m.support,
                }
                for cid, m in self.per_code.items()
            },
            "micro_f1": self.micro_f1,
            "macro_f1": self.macro_f1,
            "mean_kappa": self.mean_kappa,
            "by_lang": self.by_lang,
            **({"learning": self.learning} if self.learning is not None else {}),
        }


def read_gold(path: str | Path, codebook: Codebook) -> list[GoldPassage]:
    """Read and check a gold JSONL file.

    Args:
        path: the file.
        codebook: codes in the file must be leaf codes of this codebook.

    Returns:
        The passages, in file order.

    Raises:
        EvaluationError: unreadable file, malformed JSON, missing text, or a code unknown to the codebook
            (naming the file, line and code).
    """
    p = Path(path)
    leaves = {c.id for c in codebook.leaves()}
    try:
        lines = p.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise EvaluationError(f"{p}: cannot read the gold file ({exc}).") from exc
    out: list[GoldPassage] = []
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise EvaluationError(
                f"{p}, line {n}: not valid JSON ({exc.msg} at column {exc.colno})."
            ) from exc
        if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
            raise EvaluationError(f'{p}, line {n}: expected an object with "text" and "codes".')
        codes = obj.get("codes", [])
        if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
            raise EvaluationError(f'{p}, line {n}: "codes" must be a list of code ids.')
        for code in codes:
            if code not in leaves:
                raise EvaluationError(
                    f"{p}, line {n}: code {code!r} is not a leaf code of codebook {codebook.name!r}. "
                    f"Known codes: {', '.join(sorted(leaves))}"
                )
        text = obj["text"]
        lang = str(obj.get("lang") or detect_language(text) or "en")
        doc = obj.get("doc")
        title = obj.get("title")
        out.append(
            GoldPassage(
                str(obj.get("id", n)),
                text,
                lang,
                frozenset(codes),
                n,
                None if doc is None else str(doc),
                title if isinstance(title, str) else "",
            )
        )
    return out


def compute_metrics(
    method: str, gold: Sequence[GoldPassage], predicted: Sequence[set[str]], code_ids: Sequence[str]
) -> EvaluationReport:
    """Precision, recall, F1, Cohen's kappa and support per code, micro/macro F1, and a per-language split.

    Args:
        method: the tagger method (for the report).
        gold: gold passages.
        predicted: predicted code sets, aligned with `gold`.
        code_ids: codes to report (all leaves).

    Returns:
        The report.
    """
    report = _metrics(method, gold, predicted, code_ids)
    for lang in sorted({g.lang for g in gold}):
        idx = [i for i, g in enumerate(gold) if g.lang == lang]
        sub = _metrics(method, [gold[i] for i in idx], [predicted[i] for i in idx], code_ids)
        report.by_lang[lang] = {
            "n_passages": sub.n_passages,
            "micro_f1": sub.micro_f1,
            "macro_f1": sub.macro_f1,
            "mean_kappa": sub.mean_kappa,
        }
    return report


def _metrics(
    method: str, gold: Sequence[GoldPassage], predicted: Sequence[set[str]], code_ids: Sequence[str]
) -> EvaluationReport:
    import warnings

    from sklearn.exceptions import UndefinedMetricWarning
    from sklearn.metrics import cohen_kappa_score, f1_score, precision_recall_fscore_support

    per_code: dict[str, CodeMetrics] = {}
    all_true: list[int] = []
    all_pred: list[int] = []
    for cid in code_ids:
        y_true = [int(cid in g.codes) for g in gold]
        y_pred = [int(cid in p) for p in predicted]
        all_true += y_true
        all_pred += y_pred
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UndefinedMetricWarning)
            warnings.simplefilter("ignore", RuntimeWarning)
            p, r, f, _ = precision_recall_fscore_support(
                y_true, y_pred, average="binary", zero_division=0, labels=[0, 1]
            )
            if len(set(y_true) | set(y_pred)) < 2:
                kappa = 1.0 if y_true == y_pred else 0.0
            else:
                kappa = float(cohen_kappa_score(y_true, y_pred))
        per_code[cid] = CodeMetrics(
            round(float(p), 4), round(float(r), 4), round(float(f), 4), round(kappa, 4), sum(y_true)
        )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        micro = float(f1_score(all_true, all_pred, zero_division=0)) if all_true else 0.0
    # Macro over codes that occur in the gold set or were predicted (absent-and-unpredicted codes carry no information).
    used = [m for cid, m in per_code.items() if m.support or any(cid in p for p in predicted)]
    macro = sum(m.f1 for m in used) / len(used) if used else 0.0
    mean_kappa = sum(m.kappa for m in used) / len(used) if used else 0.0
    return EvaluationReport(
        method, len(gold), per_code, round(micro, 4), round(macro, 4), round(mean_kappa, 4)
    )


def document_batches(gold: Sequence[GoldPassage], batch_size: int) -> list[list[int]]:
    """Indices of `gold` in batches of about `batch_size` that never split an abstract (``doc``)."""
    batches: list[list[int]] = []
    current: list[int] = []
    for i, g in enumerate(gold):
        same_doc = current and g.doc is not None and gold[current[-1]].doc == g.doc
        if len(current) >= batch_size and not same_doc:
            batches.append(current)
            current = []
        current.append(i)
    if current:
        batches.append(current)
    return batches


def score_gold(tagger: Any, gold: Sequence[GoldPassage], batch_size: int = 64) -> list[list[Any]]:
    """Score gold passages with their documents around them (``doc`` groups, ``title`` as context).

    Args:
        tagger: a fitted `reviewkit.tagger.pipeline.Tagger`.
        gold: the gold passages.
        batch_size: passages per scoring batch (an abstract is never split).

    Returns:
        Per gold passage, its `CodeScore` list (all codes, in `tagger.code_ids` order).
    """
    out: list[list[Any]] = [[] for _ in gold]
    for batch in document_batches(gold, batch_size):
        texts = [gold[i].text for i in batch]
        langs = [gold[i].lang for i in batch]
        groups: list[str] = [str(gold[i].doc) if gold[i].doc is not None else f"#{i}" for i in batch]
        titles: dict[str, str] = {}
        for i in batch:
            if gold[i].doc is not None and gold[i].title:
                titles.setdefault(gold[i].doc or "", gold[i].title)
        for doc, title in titles.items():
            texts.append(title)
            langs.append(detect_language(title) or "en")
            groups.append(doc)
        rows = tagger.score(texts, langs, groups=groups)
        for k, i in enumerate(batch):
            out[i] = rows[k]
    return out


def evaluate_tagger(tagger: Any, gold: Sequence[GoldPassage], batch_size: int = 64) -> EvaluationReport:
    """Run a fitted `Tagger` on gold passages (with their documents' context) and compare.

    Args:
        tagger: a `reviewkit.tagger.pipeline.Tagger`.
        gold: the gold passages.
        batch_size: passages per scoring batch.

    Returns:
        The report.
    """
    rows = score_gold(tagger, gold, batch_size)
    predicted = [{s.code_id for s in row if s.suggested} for row in rows]
    return compute_metrics(tagger.config.method, gold, predicted, tagger.code_ids)
