"""Provides the auto-coder: segmenter, keyword rules, embeddings, combiner and evaluation (never touches the store).

Heavy libraries (spaCy, scikit-learn, sentence-transformers) are imported inside the functions that
need them; importing this package is cheap. The bundled codebook is found with
`reviewkit.resources.default_codebook_path`.
"""
