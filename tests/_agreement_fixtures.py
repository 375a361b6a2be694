"""Fixture projects for the agreement, export and codings-import tests, built with plain SQL inserts.

The project: a codebook ``mini`` (groups ``up`` and ``reg``; leaves ``up.a``, ``up.b``, ``up.c``
(never used) and ``reg.x``), four documents (one Chinese) with a title passage and two abstract
passages each, and decisions of alice, bob and carol given as matrices in the tests.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import yaml

CODES = [
    ("up", None, "Upgrading", "升级", "Upgrading group."),
    ("up.a", "up", "Product upgrading", "产品升级", "Better products."),
    ("up.b", "up", "Process upgrading", "工艺升级", "Better processes."),
    ("up.c", "up", "Functional upgrading", "功能升级", "New functions."),
    ("reg", None, "Regions", "区域", "Regional group."),
    ("reg.x", "reg", "Regional innovation", "区域创新", "Innovation systems."),
]
LEAVES = ["up.a", "up.b", "up.c", "reg.x"]

DOCS = [
    ("doc-a", 2001, "Clusters in Italy", "Firms upgrade products. They also learn together.", "10.1/a"),
    ("doc-b", 2001, "Regional systems", "Innovation systems matter. Policy helps regions.", "10.1/b"),
    ("doc-c", 2003, "Global value chains", "Chains govern upgrading. Lead firms decide.", ""),
    ("doc-d", 2005, "产业集群升级", "集群企业通过学习实现工艺升级。地方政府提供支持。", ""),
]

NOW = "2024-01-01T00:00:00.000000+00:00"


def _split(abstract: str) -> list[tuple[int, int]]:
    """Sentence spans of an abstract (". " or "。" ends a sentence)."""
    spans, start = [], 0
    for i, ch in enumerate(abstract):
        if ch in ".。" and (i + 1 == len(abstract) or abstract[i + 1] == " " or ch == "。"):
            spans.append((start, i + 1))
            start = i + 2 if ch == "." and i + 1 < len(abstract) else i + 1
    if start < len(abstract):
        spans.append((start, len(abstract)))
    return spans


def add_codebook(store: Any, name: str = "mini", version: str = "1") -> int:
    """Insert the codebook and its codes (with a YAML source the codebook helper can read)."""
    data = {
        "name": name,
        "version": version,
        "codes": [
            {"id": cid, "parent": parent, "label": {"en": en, "zh": zh}, "definition": d}
            for cid, parent, en, zh, d in CODES
        ],
    }
    source = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    db = store.db
    cur = db.execute(
        "INSERT INTO codebooks (name, version, content_hash, source, path, loaded_at, is_current, data) "
        "VALUES (?, ?, ?, ?, '', ?, 1, ?)",
        [name, version, hashlib.sha256(source.encode()).hexdigest(), source, NOW, json.dumps(data)],
    )
    cb = int(cur.lastrowid)
    for pos, (cid, parent, en, zh, d) in enumerate(CODES):
        db.execute(
            "INSERT INTO codes (codebook_id, code_id, parent, position, label, label_zh, definition, color) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [cb, cid, parent, pos, en, zh, d, "#3366CC"],
        )
    db.conn.commit()
    return cb


def add_documents(store: Any) -> dict[str, list[int]]:
    """Insert DOCS with their passages; returns key -> passage ids (title first)."""
    db = store.db
    out: dict[str, list[int]] = {}
    for key, year, title, abstract, doi in DOCS:
        cur = db.execute(
            "INSERT INTO documents (key, doi, year, title, abstract, authors, journal, imported_at, language) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [key, doi, year, title, abstract, json.dumps(["Doe, Jane", "Li, Wei"]), "Regional Studies", NOW,
             "zh" if key == "doc-d" else "en"],
        )  # fmt: skip
        doc = int(cur.lastrowid)
        spans = [("title", 0, len(title), title)] + [
            ("abstract", s, e, abstract[s:e]) for s, e in _split(abstract)
        ]
        ids = []
        for seq, (fld, s, e, text) in enumerate(spans):
            cur = db.execute(
                'INSERT INTO passages (document_id, field, seq, start, "end", text, lang, text_hash) '
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    doc,
                    fld,
                    seq,
                    s,
                    e,
                    text,
                    "zh" if key == "doc-d" else "en",
                    hashlib.sha1(text.encode()).hexdigest(),
                ],
            )
            ids.append(int(cur.lastrowid))
        out[key] = ids
    db.conn.commit()
    return out


def all_passages(ids: dict[str, list[int]]) -> list[int]:
    """Every passage id in document order."""
    return [p for key, _y, _t, _a, _d in DOCS for p in ids[key]]


def add_coding(
    store: Any,
    passage: int,
    code: str,
    coder: str,
    status: str = "accepted",
    cb: int = 1,
    score: float | None = None,
) -> None:
    """Insert one decision (plain SQL, no audit row: fixtures stand for decisions made earlier)."""
    store.db.execute(
        "INSERT INTO codings (passage_id, codebook_id, code_id, coder, status, origin, score, created_at, decided_at) "
        "VALUES (?, ?, ?, ?, ?, 'manual', ?, ?, ?)",
        [passage, cb, code, coder, status, score, NOW, NOW],
    )


def add_suggestion(
    store: Any, passage: int, code: str, score: float, threshold: float = 0.5, cb: int = 1
) -> None:
    """Insert one tagger suggestion (hybrid method, with evidence)."""
    store.db.execute(
        "INSERT INTO suggestions (passage_id, codebook_id, code_id, score, threshold, method, evidence, "
        "tagger_version, created_at) VALUES (?, ?, ?, ?, ?, 'hybrid', ?, 'test-1', ?)",
        [
            passage,
            cb,
            code,
            score,
            threshold,
            json.dumps({"terms": [["upgrade", 0, 7]], "similarity": 0.61}),
            NOW,
        ],
    )


def apply_matrix(
    store: Any, passages: list[int], code: str, coder: str, values: list[int | None], cb: int = 1
) -> None:
    """Write one coder's column of a decision matrix: 1 accepted, 0 rejected, None no decision."""
    for pid, v in zip(passages, values, strict=True):
        if v is not None:
            add_coding(store, pid, code, coder, "accepted" if v else "rejected", cb)
    store.db.conn.commit()


def mark_reviewed(store: Any, passages: list[int], coder: str, code: str = "reg.x", cb: int = 1) -> None:
    """Make `coder` have reviewed `passages` by rejecting `code` there (when no decision on it yet)."""
    for pid in passages:
        store.db.execute(
            "INSERT OR IGNORE INTO codings (passage_id, codebook_id, code_id, coder, status, origin, created_at, "
            "decided_at) VALUES (?, ?, ?, ?, 'rejected', 'manual', ?, ?)",
            [pid, cb, code, coder, NOW, NOW],
        )
    store.db.conn.commit()


def standard_project(store: Any) -> tuple[int, dict[str, list[int]]]:
    """Codebook + documents + a two-coder coding with agreements and disagreements + suggestions.

    alice and bob both review every passage. up.a: they agree on doc-a's first abstract passage and
    differ on doc-c's first; up.b: both on doc-d's first abstract passage; reg.x: bob only on doc-b's.
    """
    cb = add_codebook(store)
    ids = add_documents(store)
    ps = all_passages(ids)
    for coder in ("alice", "bob"):
        mark_reviewed(store, ps, coder, code="up.c")  # both looked at everything
    add_coding(store, ids["doc-a"][1], "up.a", "alice")
    add_coding(store, ids["doc-a"][1], "up.a", "bob")
    add_coding(store, ids["doc-c"][1], "up.a", "alice")
    add_coding(store, ids["doc-c"][1], "up.a", "bob", "rejected")
    add_coding(store, ids["doc-d"][1], "up.b", "alice")
    add_coding(store, ids["doc-d"][1], "up.b", "bob")
    add_coding(store, ids["doc-b"][1], "reg.x", "bob")
    add_suggestion(store, ids["doc-a"][1], "up.a", 0.9)
    add_suggestion(store, ids["doc-c"][1], "up.a", 0.7)
    add_suggestion(store, ids["doc-d"][1], "up.b", 0.4)  # below threshold: not suggested
    add_suggestion(store, ids["doc-b"][1], "reg.x", 0.8)
    add_suggestion(store, ids["doc-b"][2], "reg.x", 0.6)
    store.db.conn.commit()
    return cb, ids
