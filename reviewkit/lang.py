"""Provides language detection by script, good enough to tell Chinese from English passages."""

from __future__ import annotations

import re

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002a6df]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")


def has_cjk(text: str) -> bool:
    """True when `text` contains at least one Chinese (CJK unified) character."""
    return _CJK.search(text) is not None


def detect_language(text: str) -> str:
    """Guess the language of `text` from its script.

    Returns ``"zh"`` when Chinese characters make up at least a fifth of the letters (one Chinese
    character carries about as much as a short English word), ``"ru"`` for mostly Cyrillic,
    ``"en"`` for other Latin text and ``""`` when there are no letters at all.
    """
    cjk = len(_CJK.findall(text))
    latin = len(_LATIN.findall(text))
    cyr = len(_CYRILLIC.findall(text))
    if cjk == 0 and latin == 0 and cyr == 0:
        return ""
    # Weigh Chinese characters by ~4: one character is roughly one English word of 4-5 letters.
    if cjk * 4 >= latin + cyr:
        return "zh"
    if cyr > latin:
        return "ru"
    return "en"
