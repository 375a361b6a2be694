"""Training the combiner on the codebook: the keyword precision learnt in training reaches scoring."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from reviewkit.codebook import load_codebook
from reviewkit.project.encoding import make_embedder
from reviewkit.tagger.pipeline import Tagger, TaggerConfig

MINI = Path(__file__).parent / "data" / "tagger-mini.yaml"


def test_fitted_models_keep_the_keyword_precision(st_model: Any) -> None:
    embedder = make_embedder(model_obj=st_model)
    tagger = Tagger(load_codebook(MINI), TaggerConfig(method="hybrid", model=embedder.name), embedder.encode).fit()
    precision = tagger.models.kw_precision
    assert precision is not None and precision.shape == (len(tagger.code_ids),)
    # learnt from the examples' keyword hits, not the 0.5 placeholder of a model fitted without them
    assert not np.allclose(precision, 0.5)
    assert ((precision > 0) & (precision < 1)).all()
