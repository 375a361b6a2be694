"""Codebooks in a project: versions by content, current version, counts, the code tree."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from reviewkit.codebook import Codebook, load_codebook
from reviewkit.errors import CodebookError, NotFoundError
from reviewkit.project.codebooks import (
    codebook_tree,
    load_codebook_file,
    resolve_codebook,
    save_codebook,
    stored_codebook,
    tree_rows,
)
from reviewkit.store import Store

SMALL = Path(__file__).resolve().parent / "data" / "codebook-small.yaml"


def edited_copy(tmp_path: Path, old: str, new: str, name: str = "edited.yaml") -> Path:
    text = SMALL.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / name
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def test_save_codebook_versions(store: Store, tmp_path: Path) -> None:
    cb = load_codebook(SMALL)
    first = save_codebook(store, cb)
    assert save_codebook(store, load_codebook(SMALL)) == first  # same content: same version
    edited = load_codebook(edited_copy(tmp_path, "Codes about upgrading", "Codes about all upgrading"))
    second = save_codebook(store, edited)
    assert second != first
    versions = store.codebooks.versions("small-test")
    assert [(v.id, v.number, v.is_current, v.codes) for v in versions] == [
        (first, 1, False, 6),
        (second, 2, True, 6),
    ]
    assert resolve_codebook(store, name="small-test") == (second, edited)
    assert stored_codebook(store, first) == cb  # the old version is kept, unchanged
    # loading the old content again makes the old row current; no third row
    assert save_codebook(store, cb) == first
    assert [v.is_current for v in store.codebooks.versions("small-test")] == [True, False]
    rows = store.db.execute("SELECT code_id, parent, label, label_zh, threshold FROM codes WHERE codebook_id = ? "
                            "ORDER BY position", [first]).fetchall()  # fmt: skip
    assert rows[1] == (
        "regionalism.collective_learning",
        "regionalism",
        "Collective learning",
        "集体学习",
        0.55,
    )


def test_source_keeps_the_file_text(store: Store) -> None:
    result = load_codebook_file(store, SMALL)
    source = store.db.execute("SELECT source FROM codebooks WHERE id = ?", [result.codebook_id]).fetchone()[0]
    assert source == SMALL.read_text(encoding="utf-8")
    assert source.startswith("# A small, valid codebook")  # comments kept
    # a codebook saved without a source gets YAML written from it, which reads back equal
    other = save_codebook(store, Codebook(name="another", version="1", codes=result.codebook.codes))
    assert stored_codebook(store, other).codes == result.codebook.codes
    # the store keeps the codebook as canonical JSON (it never parses YAML)
    data = store.codebooks.get(other).data
    assert data["name"] == "another" and [c["id"] for c in data["codes"]] == list(result.codebook.ids)


def test_current_codebook_is_the_last_loaded(store: Store, tmp_path: Path) -> None:
    assert store.codebooks.current() is None
    a = load_codebook_file(store, SMALL)
    b = load_codebook_file(store, edited_copy(tmp_path, "name: small-test", "name: other-test"))
    assert store.codebooks.current_id() == b.codebook_id
    again = load_codebook_file(store, SMALL)
    # an existing version loaded again becomes current again (it is not "unchanged": B was current)
    assert not again.is_new_version and not again.unchanged and again.codebook_id == a.codebook_id
    assert store.codebooks.current_id() == a.codebook_id
    assert load_codebook_file(store, SMALL).unchanged
    assert store.codebooks.names() == ["small-test", "other-test"]


def test_load_result(store: Store, tmp_path: Path) -> None:
    first = load_codebook_file(store, SMALL)
    assert (first.is_new_version, first.previous_version, first.number, first.unchanged) == (
        True,
        None,
        1,
        False,
    )
    second = load_codebook_file(store, edited_copy(tmp_path, '"0.3"', '"0.4"'))
    assert (second.is_new_version, second.previous_version, second.number) == (True, first.codebook_id, 2)
    with pytest.raises(CodebookError):
        load_codebook_file(store, Path(__file__).resolve().parent / "data" / "codebook-broken.yaml")
    assert len(store.codebooks.versions("small-test")) == 2  # nothing stored for the broken file


def _add_passage(store: Store, key: str) -> int:
    with store.transaction() as db:
        doc = db.execute(
            "INSERT INTO documents (key, title, imported_at) VALUES (?, ?, '2024-01-01')", [key, key]
        ).lastrowid
        return int(
            db.execute(
                'INSERT INTO passages (document_id, field, seq, start, "end", text, text_hash) '
                "VALUES (?, 'abstract', 0, 0, 5, 'text.', ?)",
                [doc, key],
            ).lastrowid
        )


def _suggest(store: Store, passage: int, codebook_id: int, code: str, score: float) -> None:
    with store.transaction() as db:
        db.execute(
            "INSERT INTO suggestions (passage_id, codebook_id, code_id, score, threshold, method, tagger_version, "
            "created_at) VALUES (?, ?, ?, ?, 0.5, 'hybrid', 't', '2024-01-01')",
            [passage, codebook_id, code, score],
        )


def _decide(store: Store, passage: int, codebook_id: int, code: str, coder: str, status: str) -> None:
    with store.transaction() as db:
        db.execute(
            "INSERT INTO codings (passage_id, codebook_id, code_id, coder, status, created_at, decided_at) "
            "VALUES (?, ?, ?, ?, ?, '2024-01-01', '2024-01-01')",
            [passage, codebook_id, code, coder, status],
        )


def test_counts_and_tree(store: Store, tmp_path: Path) -> None:
    old = load_codebook_file(store, SMALL).codebook_id
    p1, p2 = _add_passage(store, "a"), _add_passage(store, "b")
    _suggest(store, p1, old, "upgrading.functional", 0.9)
    _suggest(store, p2, old, "upgrading.functional", 0.2)  # below its threshold: not suggested
    _suggest(store, p2, old, "upgrading.product", 0.7)
    _decide(store, p1, old, "upgrading.functional", "ann", "accepted")
    _decide(store, p1, old, "upgrading.functional", "bob", "accepted")
    _decide(store, p2, old, "upgrading.product", "ann", "rejected")
    counts = store.codebooks.counts(old)
    assert counts["upgrading.functional"] == {"suggested": 1, "accepted": 2, "rejected": 0}
    assert counts["upgrading.product"] == {"suggested": 1, "accepted": 0, "rejected": 1}
    assert counts["regionalism.institutions"] == {"suggested": 0, "accepted": 0, "rejected": 0}

    rows = codebook_tree(store)
    assert [(r.depth, r.code.id, r.is_leaf) for r in rows][:2] == [
        (0, "regionalism", False), (1, "regionalism.collective_learning", True),
    ]  # fmt: skip
    by_id: dict[str, Any] = {r.code.id: r for r in rows}
    assert by_id["upgrading"].counts == {"suggested": 2, "accepted": 2, "rejected": 1}  # subtree totals
    assert by_id["regionalism"].counts == {"suggested": 0, "accepted": 0, "rejected": 0}

    # an edited codebook is a new version; codings made under the old one still point at it
    new = load_codebook_file(
        store, edited_copy(tmp_path, "Product quality improved markedly.", "Quality rose.")
    ).codebook_id
    assert new != old
    assert store.db.execute("SELECT DISTINCT codebook_id FROM codings").fetchall() == [(old,)]
    assert codebook_tree(store)[0].counts == {"suggested": 0, "accepted": 0, "rejected": 0}
    assert by_id["upgrading"].counts == {r.code.id: r for r in codebook_tree(store, old)}["upgrading"].counts


def test_tree_without_project_and_missing_codebook(store: Store) -> None:
    rows = tree_rows(load_codebook(SMALL))
    assert [r.depth for r in rows] == [0, 1, 1, 0, 1, 1] and all(r.counts == {} for r in rows)
    with pytest.raises(NotFoundError, match="reviewkit codebook load FILE"):
        codebook_tree(store)
    with pytest.raises(NotFoundError, match="No codebook version 42"):
        store.codebooks.get(42)
