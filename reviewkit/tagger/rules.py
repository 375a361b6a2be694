"""Provides the rule evidence: codebook keywords matched in passages, with spans, honouring negative keywords.

English (Latin-script) keywords are matched with a spaCy `PhraseMatcher` on the token NORM, which
this module sets to the lower-cased, lemma-like stem of `reviewkit.tagger.normalize` — so a match
on the lower-case form is always also a match on the normalised form, and "learning regions",
"upgraded" or "specialisation" meet the keywords "learning region", "upgrading" and
"specialization". A keyword ending in ``*`` is a prefix (spaCy `Matcher` with a REGEX on the
last token). Hyphenated and spaced variants of a phrase are matched alike.

Chinese keywords (any keyword containing CJK characters) are found by substring search with one
compiled regex per code: Chinese has no spaces and jieba's word boundaries would hide phrases
such as "产品升级" inside longer words.

A negative keyword of a code that overlaps a keyword hit of the same code vetoes that hit; negative
hits are reported so the combiner can lower the score.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from reviewkit.codebook.model import Code
from reviewkit.lang import has_cjk
from reviewkit.registry import matchers
from reviewkit.tagger.normalize import normalize_word

_LATIN = re.compile(r"[A-Za-z]")


@dataclass
class CodeHits:
    """Keyword evidence for one code in one passage."""

    terms: list[tuple[str, int, int]] = field(default_factory=list)
    """Keyword hits that survived the negative veto: (keyword, start, end) in passage offsets."""
    negatives: list[tuple[str, int, int]] = field(default_factory=list)
    """Negative-keyword hits."""

    @property
    def n_terms(self) -> int:
        """Number of distinct keywords that matched."""
        return len({t for t, _, _ in self.terms})


@lru_cache(maxsize=1)
def _norm_nlp() -> Any:
    """A blank English pipeline whose lexeme NORM is the normalised stem of the word."""
    import spacy
    from spacy.attrs import NORM

    nlp = spacy.blank("en")
    nlp.vocab.lex_attr_getters[NORM] = normalize_word  # type: ignore[attr-defined]
    return nlp


def _variants(term: str) -> list[str]:
    """Spelling variants of an English phrase: as written, hyphens as spaces, and the reverse."""
    out = [term]
    if "-" in term:
        out.append(term.replace("-", " "))
    words = term.split()
    if len(words) == 2 and "-" not in term:
        out.append("-".join(words))
    return list(dict.fromkeys(out))


class KeywordMatcher:
    """Finds every code's keywords and negative keywords in passages.

    Args:
        codes: the codes to match (usually ``codebook.leaves()``).
    """

    def __init__(self, codes: Sequence[Code]) -> None:
        from spacy.matcher import Matcher, PhraseMatcher

        self.nlp = _norm_nlp()
        self.code_ids = [c.id for c in codes]
        self._phrase = PhraseMatcher(self.nlp.vocab, attr="NORM")
        self._prefix = Matcher(self.nlp.vocab)
        self._zh: list[tuple[str, str, re.Pattern[str]]] = []
        self._n_en = 0
        for code in codes:
            for kind, table in (("pos", code.keywords), ("neg", code.negative_keywords)):
                zh_terms: list[str] = []
                for terms in table.values():
                    for raw in terms:
                        term = str(raw).strip()
                        if not term:
                            continue
                        if has_cjk(term):
                            zh_terms.append(term)
                        else:
                            self._add_english(code.id, kind, term)
                if zh_terms:
                    self._zh.append((code.id, kind, _compile_zh(zh_terms)))

    def _add_english(self, code_id: str, kind: str, term: str) -> None:
        key = f"{code_id}\t{kind}\t{term}"
        prefix = term.endswith("*")
        body = term.rstrip("*").strip()
        if not body:
            return
        for variant in _variants(body):
            tokens = [t for t in self.nlp.make_doc(variant) if not t.is_space]
            if not tokens:
                continue
            if prefix:
                pattern: list[dict[str, Any]] = [{"NORM": t.norm_} for t in tokens[:-1]]
                pattern.append({"LOWER": {"REGEX": "^" + re.escape(tokens[-1].lower_)}})
                self._prefix.add(key, [pattern])
            else:
                self._phrase.add(key, [self.nlp.make_doc(" ".join(t.text for t in tokens))])
            self._n_en += 1

    def match(self, text: str) -> dict[str, CodeHits]:
        """Keyword evidence for one passage (see `match_many`)."""
        return self.match_many([text])[0]

    def match_many(self, texts: Iterable[str], batch_size: int = 1000) -> list[dict[str, CodeHits]]:
        """Match all codes' keywords in each text.

        Args:
            texts: passage texts.
            batch_size: tokenizer batch size.

        Returns:
            Per text, a mapping code id -> `CodeHits` (codes without any hit are absent).
        """
        texts = list(texts)
        results: list[dict[str, CodeHits]] = [{} for _ in texts]
        latin_idx = [i for i, t in enumerate(texts) if self._n_en and _LATIN.search(t)]
        if latin_idx:
            docs = self.nlp.tokenizer.pipe((texts[i] for i in latin_idx), batch_size=batch_size)
            strings = self.nlp.vocab.strings
            for i, doc in zip(latin_idx, docs, strict=True):
                found = list(self._phrase(doc)) if len(self._phrase) else []
                if len(self._prefix):
                    found += list(self._prefix(doc))
                for match_id, s, e in found:
                    code_id, kind, term = strings[match_id].split("\t", 2)
                    span = doc[s:e]
                    _add(results[i], code_id, kind, term, span.start_char, span.end_char)
        if self._zh:
            for i, text in enumerate(texts):
                if not has_cjk(text):
                    continue
                for code_id, kind, pattern in self._zh:
                    for m in pattern.finditer(text):
                        _add(results[i], code_id, kind, m.group(0), m.start(), m.end())
        for hits in results:
            for code_id in list(hits):
                _veto(hits[code_id])
        return results


def _compile_zh(terms: list[str]) -> re.Pattern[str]:
    """One alternation of Chinese keywords, longest first (``*`` at the end is ignored: substrings)."""
    cleaned = sorted({t.rstrip("*") for t in terms if t.rstrip("*")}, key=len, reverse=True)
    return re.compile("|".join(re.escape(t) for t in cleaned))


def _add(hits: dict[str, CodeHits], code_id: str, kind: str, term: str, start: int, end: int) -> None:
    entry = hits.setdefault(code_id, CodeHits())
    target = entry.terms if kind == "pos" else entry.negatives
    if (term, start, end) not in target:
        target.append((term, start, end))


def _veto(entry: CodeHits) -> None:
    """Drop keyword hits that overlap a negative keyword hit of the same code; sort by offset."""
    if entry.negatives:
        entry.terms = [
            (t, s, e)
            for t, s, e in entry.terms
            if not any(s < ne and ns < e for _, ns, ne in entry.negatives)
        ]
    entry.terms.sort(key=lambda x: (x[1], x[2]))
    entry.negatives.sort(key=lambda x: (x[1], x[2]))


@matchers.register("reviewkit.keywords.v1")
def make_keyword_matcher(codes: Sequence[Code]) -> KeywordMatcher:
    """Factory of the keyword matcher (registered as ``reviewkit.keywords.v1``).

    Args:
        codes: the codes whose keywords and negative keywords are matched.

    Returns:
        A `KeywordMatcher`.
    """
    return KeywordMatcher(codes)
