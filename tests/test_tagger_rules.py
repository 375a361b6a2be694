"""Tests of the keyword rules: lemma/plural forms, prefixes, negative veto, Chinese, offsets."""

from __future__ import annotations

from pathlib import Path

import pytest

from reviewkit.codebook import load_codebook
from reviewkit.tagger.normalize import normalize_word
from reviewkit.tagger.rules import KeywordMatcher

MINI = Path(__file__).parent / "data" / "tagger-mini.yaml"


@pytest.fixture(scope="module")
def matcher() -> KeywordMatcher:
    return KeywordMatcher(load_codebook(MINI).leaves())


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("clusters", "cluster"),
        ("industries", "industry"),
        ("upgrading", "upgrade"),
        ("upgraded", "upgrades"),
        ("specialisation", "specialization"),
        ("labour", "labor"),
        ("spillovers", "spillover"),
    ],
)
def test_normaliser_unifies_forms(a: str, b: str) -> None:
    assert normalize_word(a) == normalize_word(b)


def test_lemma_and_plural_forms_match_with_offsets(matcher: KeywordMatcher) -> None:
    text = "Knowledge Spillovers and learning regions shape Tacit-knowledge in the district."
    hits = matcher.match(text)["regionalism.collective_learning"]
    assert [t for t, _, _ in hits.terms] == ["knowledge spillover", "learning region*", "tacit knowledge"]
    for term, s, e in hits.terms:
        assert text[s:e].lower().replace("-", " ").startswith(term.split()[0].rstrip("*"))
    assert text[hits.terms[0][1] : hits.terms[0][2]] == "Knowledge Spillovers"


def test_negative_keyword_vetoes_overlapping_hit(matcher: KeywordMatcher) -> None:
    text = "The upgrading process of the railway was slow, unlike process upgrading in textiles."
    hits = matcher.match(text)["upgrading.process"]
    assert [(t, text[s:e]) for t, s, e in hits.terms] == [("process upgrading", "process upgrading")]
    assert [t for t, _, _ in hits.negatives] == ["upgrading process of the railway"]


def test_negative_only_is_reported(matcher: KeywordMatcher) -> None:
    hits = matcher.match("We apply machine learning to satellite images.")
    entry = hits["regionalism.collective_learning"]
    assert entry.terms == [] and entry.n_terms == 0
    assert entry.negatives[0][0] == "machine learning"


def test_prefix_keyword(matcher: KeywordMatcher) -> None:
    text = "Mills automated their spinning lines."
    ((term, s, e),) = matcher.match(text)["upgrading.process"].terms
    assert term == "automat*" and text[s:e] == "automated"


def test_chinese_substrings_and_veto(matcher: KeywordMatcher) -> None:
    text = "温州企业的知识溢出与机器学习，产品升级。"
    hits = matcher.match(text)
    assert [(t, text[s:e]) for t, s, e in hits["context.china"].terms] == [("温州", "温州")]
    assert hits["regionalism.collective_learning"].terms == [("知识溢出", 5, 9)]
    assert hits["regionalism.collective_learning"].negatives == [("机器学习", 10, 14)]
    assert hits["upgrading.product"].terms == [("产品升级", 15, 19)]


def test_no_hits_and_empty(matcher: KeywordMatcher) -> None:
    assert matcher.match_many(["", "Nothing relevant here.", "无关的句子。"]) == [{}, {}, {}]
