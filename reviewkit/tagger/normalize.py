"""Provides a small rule-based English normaliser (lemma-like stems) used by the keyword matcher.

The blank spaCy pipelines carry no lemmatizer tables, so words are reduced by a handful of rules
that cover what keyword lists need: plurals ("clusters" -> "cluster", "industries" -> "industry"),
verb forms ("upgrading", "upgraded", "upgrades" and "upgrade" all -> "upgrad"), British and
American spellings ("specialisation" = "specialization", "labour" = "labor"). Keywords and
passages go through the same function, so a stem only has to be consistent, not a dictionary word.
"""

from __future__ import annotations

from functools import lru_cache

_VOWELS = set("aeiouy")
_KEEP_S = ("ss", "us", "is", "ous", "sis")


@lru_cache(maxsize=200_000)
def normalize_word(word: str) -> str:
    """Return the lemma-like stem of one English word (lower-cased; non-words are returned lower-cased).

    Args:
        word: a token.

    Returns:
        The normalised form used for keyword matching.
    """
    w = word.lower()
    if len(w) <= 3 or not w.isalpha():
        return w
    # British -> American spellings.
    if "isation" in w:
        w = w.replace("isation", "ization")
    elif w.endswith(("ise", "ised", "ises", "ising")) and len(w) > 6:
        w = w[: w.rfind("is")] + "iz" + w[w.rfind("is") + 2 :]
    if w.endswith("our") and len(w) >= 6:
        w = w[:-3] + "or"
    elif w.endswith("ours") and len(w) >= 7:
        w = w[:-4] + "ors"
    elif w.endswith("tre") and len(w) >= 6:
        w = w[:-3] + "ter"
    # Plurals and third person.
    if w.endswith("ies") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith("sses"):
        w = w[:-2]
    elif w.endswith(("xes", "ches", "shes", "zes")):
        w = w[:-2]
    elif w.endswith("s") and not w.endswith(_KEEP_S):
        w = w[:-1]
    # Verb forms.
    if w.endswith("ied") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith("ing") and len(w) > 5 and any(c in _VOWELS for c in w[:-3]):
        w = _undouble(w[:-3])
    elif w.endswith("ed") and len(w) > 4 and any(c in _VOWELS for c in w[:-2]):
        w = _undouble(w[:-2])
    if w.endswith("e") and len(w) > 3:
        w = w[:-1]
    return w


def _undouble(stem: str) -> str:
    """Drop one of a doubled final consonant ("plann" -> "plan"), except ll/ss/zz."""
    if len(stem) > 2 and stem[-1] == stem[-2] and stem[-1] not in _VOWELS and stem[-1] not in "lsz":
        return stem[:-1]
    return stem


def normalize_text(text: str) -> str:
    """Normalise every whitespace-separated word of `text` (for display and tests).

    Args:
        text: a phrase.

    Returns:
        The phrase with each word replaced by `normalize_word`.
    """
    return " ".join(normalize_word(w) for w in text.split())
