"""Provides a small review project built with plain SQL (documents, passages, codebook, suggestions).

Independent of the importers, codebook loader and tagger, so the review/trends/TUI tests only
depend on the fixed schema. Scores are deterministic (snapshot tests rely on it).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from reviewkit.store import Store

STAMP = "2024-01-01T00:00:00.000000+00:00"

GROUPS = {
    "regionalism": ("New regionalism", "新区域主义"),
    "global": ("Global linkages", "全球联系"),
    "upgrading": ("Upgrading", "升级"),
    "context": ("Context", "情境"),
}

# code id, label, label_zh, definition, keywords
CODES: list[tuple[str, str, str, str, list[str]]] = [
    ("regionalism.collective_learning", "Collective learning", "集体学习",
     "Learning and knowledge spillovers that happen collectively within a region.",
     ["collective learning", "local buzz", "集体学习"]),
    ("regionalism.interdependencies", "Interdependencies", "相互依赖",
     "Traded or untraded interdependencies among co-located firms.",
     ["untraded interdependencies", "inter-firm linkages"]),
    ("regionalism.institutions", "Socio-cultural institutional dynamics", "制度",
     "Regional institutions, institutional thickness, culture and norms.",
     ["institutional thickness", "institutions", "制度"]),
    ("regionalism.trust_social_capital", "Trust, collaboration and social capital", "信任/合作/社会资本",
     "Trust, cooperation among local actors, social capital.", ["trust", "social capital", "信任"]),
    ("regionalism.critique", "Critique of new regionalism", "新区域主义批判",
     "Criticises the limits of new regionalism.", ["new regionalism"]),
    ("global.external_linkages", "External linkages and globalization", "外部联系/全球化",
     "Linkages outside the region; globalization.", ["global pipelines", "globalization", "全球化"]),
    ("global.value_chain", "Global value chain framework", "全球价值链",
     "Value-chain analysis: governance, lead firms, insertion of clusters into chains.",
     ["value chains", "value chain", "全球价值链"]),
    ("upgrading.general", "Upgrading (general)", "升级",
     "Upgrading in general: moving to higher value-added activities.", ["upgrading", "升级"]),
    ("upgrading.process", "Process upgrading", "工艺升级", "Transforming inputs into outputs more efficiently.",
     ["process upgrading"]),
    ("upgrading.product", "Product upgrading", "产品升级", "Moving into more sophisticated products.",
     ["product upgrading"]),
    ("upgrading.functional", "Functional upgrading", "功能升级", "Acquiring new, higher-value functions.",
     ["functional upgrading", "功能升级"]),
    ("upgrading.chain", "Chain (inter-sectoral) upgrading", "链条升级", "Moving into a different chain.",
     ["chain upgrading"]),
    ("context.china", "China context", "中国情境", "Concerns China: Chinese clusters, regions, firms.",
     ["China", "Chinese", "中国", "浙江"]),
]  # fmt: skip

# year, first author, title, abstract, language
DOCUMENTS: list[tuple[int, str, str, str, str]] = [
    (2003, "Storper, Michael", "The regional world and collective learning",
     "Regions grow through collective learning among local firms. Untraded interdependencies and "
     "institutional thickness sustain them. Trust and social capital matter.", "en"),
    (2004, "Humphrey, John", "How does insertion in global value chains affect upgrading in industrial clusters?",
     "Clusters are inserted in value chains led by global buyers. Process upgrading and product upgrading "
     "are often supported, functional upgrading is not.", "en"),
    (2005, "文嫮", "从地方到全球：全球价值链框架下集群的升级研究",
     "新区域主义强调集体学习和制度。全球化使地方集群必须嵌入全球价值链。浙江的集群通过功能升级实现发展。", "zh"),
    (2006, "Bathelt, Harald", "Clusters and knowledge: local buzz and global pipelines",
     "Local buzz supports collective learning. Global pipelines bring external knowledge. "
     "The new regionalism neglects globalization.", "en"),
    (2007, "Schmitz, Hubert", "Local upgrading in global chains: evidence from China",
     "Chinese clusters pursue functional upgrading within value chains. Chain upgrading is rare.", "en"),
    (2008, "Gereffi, Gary", "The governance of global value chains",
     "Lead firms govern value chains. Upgrading depends on chain governance and globalization.", "en"),
]  # fmt: skip

_CJK = re.compile(r"([\u3400-\u9fff])")


def sentences(text: str) -> list[tuple[int, int, str]]:
    """Split into sentences with (start, end) offsets (English '. ', Chinese '。')."""
    out = []
    for m in re.finditer(r"[^.。]+[.。]?", text):
        s, e = m.start(), m.end()
        while s < e and text[s] == " ":
            s += 1
        if s < e:
            out.append((s, e, text[s:e]))
    return out


def build_project(path: str | Path) -> dict[str, Any]:
    """Create the fixture project at `path`.

    Returns:
        ``{"codebook_id", "documents": [ids in year order], "passages": {doc id: [passage ids]}}``.
    """
    store = Store.open(path)
    try:
        return _fill(store)
    finally:
        store.close()


def _fill(store: Store) -> dict[str, Any]:
    db = store.db
    info: dict[str, Any] = {"documents": [], "passages": {}}
    with store.transaction():
        cur = db.execute(
            "INSERT INTO codebooks (name, version, content_hash, source, path, loaded_at, is_current) "
            "VALUES ('cluster-upgrading', '1.0', 'fixture', 'yaml', 'codebooks/cluster-upgrading.yaml', ?, 1)",
            [STAMP],
        )
        cb = cur.lastrowid
        info["codebook_id"] = cb
        pos = 0
        for gid, (label, zh) in GROUPS.items():
            db.execute(
                "INSERT INTO codes (codebook_id, code_id, parent, position, label, label_zh, definition) "
                "VALUES (?, ?, NULL, ?, ?, ?, ?)",
                [cb, gid, pos, label, zh, f"Group: {label}."],
            )
            pos += 1
            for cid, clabel, czh, definition, keywords in CODES:
                if cid.split(".")[0] != gid:
                    continue
                db.execute(
                    "INSERT INTO codes (codebook_id, code_id, parent, position, label, label_zh, definition, "
                    "include, exclude, keywords, threshold) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                    [cb, cid, gid, pos, clabel, czh, definition, f"Code when: {definition}",
                     "Not: generic mentions.", json.dumps({"en": keywords}), 0.5],
                )  # fmt: skip
                pos += 1
        for i, (year, author, title, abstract, lang) in enumerate(DOCUMENTS):
            cur = db.execute(
                "INSERT INTO documents (key, title, abstract, authors, year, journal, language, imported_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [f"doc{i + 1}", title, abstract, json.dumps([author], ensure_ascii=False), year,
                 "Regional Studies" if lang == "en" else "人文地理", lang, STAMP],
            )  # fmt: skip
            doc_id = cur.lastrowid
            info["documents"].append(doc_id)
            db.execute(
                "INSERT INTO documents_fts (rowid, title, abstract, keywords, authors) VALUES (?, ?, ?, '', ?)",
                [doc_id, _CJK.sub(r" \1 ", title), _CJK.sub(r" \1 ", abstract), author],
            )
            seq = 0
            pids = []
            for field, text in (("title", title), ("abstract", abstract)):
                for start, end, sent in sentences(text) if field == "abstract" else [(0, len(text), text)]:
                    cur = db.execute(
                        'INSERT INTO passages (document_id, field, seq, start, "end", text, lang, text_hash) '
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        [doc_id, field, seq, start, end, sent, lang, f"h{doc_id}-{seq}"],
                    )
                    pid = cur.lastrowid
                    pids.append(pid)
                    seq += 1
                    _suggest(store, cb, pid, sent, seed=doc_id * 10 + seq)
            info["passages"][doc_id] = pids
    return info


def _suggest(store: Store, cb: int, pid: int, text: str, seed: int) -> None:
    """Keyword-matched suggestions with deterministic scores; some fall just below the threshold."""
    low = text.lower()
    for n, (cid, _label, _zh, _definition, keywords) in enumerate(CODES):
        terms = []
        for kw in keywords:
            start = low.find(kw.lower())
            if start >= 0 and not any(s <= start < e for _t, s, e in terms):
                terms.append((kw, start, start + len(kw)))
        if not terms:
            continue
        score = round(0.44 + ((seed * 7 + n * 13) % 50) / 100, 2)
        evidence = {
            "terms": [list(t) for t in terms],
            "nearest_example": f"An example passage for {cid}.",
            "similarity": round(score - 0.1, 2),
            "parts": {"lexical": 1.0, "semantic": round(score - 0.1, 2)},
        }
        store.db.execute(
            "INSERT INTO suggestions (passage_id, codebook_id, code_id, score, threshold, method, evidence, "
            "tagger_version, created_at) VALUES (?, ?, ?, ?, 0.5, 'hybrid', ?, 'fixture-1', ?)",
            [pid, cb, cid, score, json.dumps(evidence, ensure_ascii=False), STAMP],
        )


async def settle(pilot: Any) -> None:
    """Let the database workers finish and the screen repaint (no timers or clocks are shown)."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
