"""Tests of the segmenter: offsets into the field text for English, Chinese, mixed and bad input."""

from __future__ import annotations

import pytest

from reviewkit.tagger.segment import MAX_PASSAGE_CHARS, segment_document, segment_field, segment_text


def _texts(text: str) -> list[str]:
    spans = segment_text(text)
    for s, e in spans:
        piece = text[s:e]
        assert piece == piece.strip()
        assert piece
    return [text[s:e] for s, e in spans]


def test_english_sentences_with_abbreviations() -> None:
    text = "Smith et al. (2005) argue that clusters upgrade, e.g. in Wenzhou. The U.S. market matters! Is it so? Yes."
    assert _texts(text) == [
        "Smith et al. (2005) argue that clusters upgrade, e.g. in Wenzhou.",
        "The U.S. market matters!",
        "Is it so?",
        "Yes.",
    ]


def test_chinese_sentence_ends() -> None:
    text = "本文研究集群升级。企业学习很重要；政府也重要！为什么？"
    assert _texts(text) == ["本文研究集群升级。", "企业学习很重要；", "政府也重要！", "为什么？"]


def test_mixed_scripts_and_paragraphs() -> None:
    text = "  本文研究集群升级（cluster upgrading）。This paper studies upgrading. It finds a lot.\n\n第二段没有句号"
    assert _texts(text) == [
        "本文研究集群升级（cluster upgrading）。",
        "This paper studies upgrading.",
        "It finds a lot.",
        "第二段没有句号",
    ]


@pytest.mark.parametrize("text", ["", "   ", "\x00\x01 \n\t", "...", "。。"])
def test_empty_and_blank(text: str) -> None:
    assert segment_text(text) == []
    assert segment_field("title", text) == []


def test_control_characters_do_not_break_offsets() -> None:
    text = "\x07First\x00 sentence here. Second\x1b one.\x0c"
    out = _texts(text)
    assert out == ["First\x00 sentence here.", "Second\x1b one."]


def test_very_long_text_is_split_at_max_length() -> None:
    text = ("word " * 400 + ". ") * 50 + "中" * 5000  # ~105k characters
    assert len(text) > 100_000
    spans = segment_text(text)
    assert spans
    assert all(0 < e - s <= MAX_PASSAGE_CHARS for s, e in spans)
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:], strict=False))
    covered = sum(e - s for s, e in spans)
    assert covered > 0.95 * len(text.replace(" ", "")) / 1.3


def test_document_fields_title_first_with_languages() -> None:
    doc = {
        "title": "集群升级研究",
        "abstract": "温州鞋业企业提高了效率。企业转向高端产品。",
        "title_alt": "Cluster upgrading",
        "abstract_alt": "Firms moved up. They design now.",
    }
    segs = segment_document(doc)
    assert [(s.field, s.lang) for s in segs] == [
        ("title", "zh"),
        ("abstract", "zh"),
        ("abstract", "zh"),
        ("title_alt", "en"),
        ("abstract_alt", "en"),
        ("abstract_alt", "en"),
    ]
    for s in segs:
        assert doc[s.field][s.start : s.end] == s.text


ABSTRACT_WITH_NOTICES = (
    "We find that suppliers moved into design. The method is robust. (C) 2019 Elsevier B.V. All rights reserved. "
    "© 2021 The Authors. Published by Informa UK Limited, trading as Taylor & Francis Group. "
    "Regional Studies published by John Wiley & Sons Ltd on behalf of the Regional Studies Association."
)


def test_publisher_notices_are_not_passages() -> None:
    segs = segment_field("abstract", ABSTRACT_WITH_NOTICES)
    assert [s.text for s in segs] == ["We find that suppliers moved into design.", "The method is robust."]
    assert all(ABSTRACT_WITH_NOTICES[s.start : s.end] == s.text for s in segs)  # offsets still into the field
    psycinfo = "Clusters upgraded. Firms learned from buyers. (PsycINFO Database Record (c) 2019 APA, all rights reserved)"
    assert [s.text for s in segment_field("abstract", psycinfo)] == ["Clusters upgraded.", "Firms learned from buyers."]


def test_ebsco_notice_and_content_that_mentions_publishing_stay_apart() -> None:
    text = (
        "We reviewed 100 reviews published by the Cochrane Library between 2010 and 2020. Most were weak. "
        "[ABSTRACT FROM AUTHOR]\nCopyright of Regional Studies is the property of Routledge and its content may "
        "not be copied without the copyright holder's express written permission. However, users may print, "
        "download, or email articles for individual use. This abstract may be abridged."
    )
    assert [s.text for s in segment_field("abstract", text)] == [
        "We reviewed 100 reviews published by the Cochrane Library between 2010 and 2020.",
        "Most were weak.",
    ]
    title = "Copyright and the cluster: © law in Chinese industrial districts"
    assert [s.text for s in segment_field("title", title)] == [title]  # titles are never dropped
