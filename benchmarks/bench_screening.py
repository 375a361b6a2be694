"""Benchmark of screening: reviewkit's simulation beside ASReview's own, on the same labelled file (prints figures).

For each seed, reviewkit's simulation picks the priors (``--prior-included``/``--prior-excluded``
records at random); ASReview is given the very same rows (``--prior-idx``), so both start alike.
Both labelling orders are scored with the same metric code (`reviewkit.learn.metrics`: recall after
10 % / 25 % screened, WSS@95, WSS@100, records to find 95 %, loss), priors left out. Also printed:
seconds per run, and the time of one retrain + rescoring at 5,000 records (the interactive target is
< 0.5 s once features are cached).

ASReview is not a dependency of reviewkit. It lives in its own venv, `benchmarks/.venv-asreview`
(gitignored), created on first use with::

    python -m venv benchmarks/.venv-asreview && benchmarks/.venv-asreview/bin/pip install asreview

Usage::

    python benchmarks/make_screening_set.py       # builds benchmarks/.screening/screening_labelled.csv
    python benchmarks/bench_screening.py          # 5 seeds, ASReview's default model (elas_u4)
    python benchmarks/bench_screening.py --seeds 3 --learner nb --embeddings --no-asreview
"""

from __future__ import annotations

import argparse
import sqlite3
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reviewkit.learn import build_features, make_learner, metrics, simulate_order  # noqa: E402
from reviewkit.project.screening_sim import bundled_encoder, read_labelled  # noqa: E402

VENV = ROOT / "benchmarks" / ".venv-asreview"
DEFAULT_FILE = ROOT / "benchmarks" / ".screening" / "screening_labelled.csv"
SHOWN = ("recall@10", "recall@25", "wss@95", "wss@100", "n@95", "loss", "stop_recall", "stop_screened")


def asreview_bin() -> Path:
    """The asreview executable of the benchmark venv, creating the venv on first use."""
    exe = VENV / "bin" / "asreview"
    if not exe.exists():
        print(f"creating {VENV} and installing asreview (once) ...", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(VENV / "bin" / "pip"), "install", "-q", "asreview"], check=True)
    return exe


def asreview_order(exe: Path, file: Path, priors: list[int], seed: int, ai: str) -> list[int]:
    """Run ``asreview simulate`` with the given prior rows; return the dataset rows it screened, in order."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "sim.asreview"
        cmd = [str(exe), "simulate", str(file.resolve()), "--prior-idx", *map(str, priors), "--seed", str(seed),
               "--ai", ai, "-o", str(out)]  # fmt: skip
        subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=tmp)  # asreview drops a cache file in cwd
        with zipfile.ZipFile(out) as zf:
            zf.extract("results.db", tmp)
        con = sqlite3.connect(Path(tmp) / "results.db")
        try:
            rows = con.execute(
                "SELECT r.dataset_row FROM results s JOIN record r ON r.record_id = s.record_id "
                "WHERE s.classifier IS NOT NULL ORDER BY s.rowid"
            ).fetchall()
        finally:
            con.close()
    return [int(r[0]) for r in rows]


def found(labels: np.ndarray, priors: list[int], order: list[int]) -> np.ndarray:
    """Labels in screening order over the non-prior records (unscreened tail = exclusions)."""
    n_rest = len(labels) - len(priors)
    out = np.zeros(n_rest, dtype=bool)
    out[: len(order)] = labels[order]
    return out


def retrain_time(x: object, labels: np.ndarray, learner: str, n: int = 5000, labelled: int = 300) -> float:
    """Seconds for one fit on `labelled` rows + scoring of `n` rows (rows tiled up to `n`)."""
    from scipy import sparse

    m = sparse.csr_matrix(x)
    reps = -(-n // m.shape[0])
    big = sparse.vstack([m] * reps, format="csr")[:n]
    y = np.tile(labels, reps)[:n]
    rng = np.random.default_rng(0)
    pos, neg = np.flatnonzero(y), np.flatnonzero(~y)
    idx = np.concatenate([rng.choice(pos, 30, replace=False), rng.choice(neg, labelled - 30, replace=False)])
    best = float("inf")
    for _ in range(3):
        t = time.perf_counter()
        lrn = make_learner(learner).fit(big[idx], y[idx].astype(int))
        lrn.score(big)
        best = min(best, time.perf_counter() - t)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--file", type=Path, default=DEFAULT_FILE)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--prior-included", type=int, default=1)
    parser.add_argument("--prior-excluded", type=int, default=1)
    parser.add_argument("--learner", default="logistic", choices=["logistic", "nb", "svm"])
    parser.add_argument("--embeddings", action="store_true", help="add the bundled model's embeddings")
    parser.add_argument("--asreview-ai", default="elas_u4", help="ASReview model (elas_u4 = SVM+TF-IDF, its default)")
    parser.add_argument("--no-asreview", action="store_true")
    args = parser.parse_args()
    if not args.file.exists():
        sys.exit(f"{args.file} is missing: run python benchmarks/make_screening_set.py first")
    data = read_labelled(args.file)
    y = np.asarray(data.labels)
    print(f"{args.file.name}: {len(y)} records, {int(y.sum())} included ({y.mean():.1%})")
    t = time.perf_counter()
    encode = bundled_encoder() if args.embeddings else None
    feats = build_features(data.texts, encode=encode)
    print(f"features: {feats.matrix.shape[1]} columns ({'tfidf+embeddings' if encode else 'tfidf'}), "
          f"{time.perf_counter() - t:.1f} s")  # fmt: skip
    print(f"one retrain + rescoring at 5,000 records ({args.learner}, 300 labelled): "
          f"{retrain_time(feats.matrix, y, args.learner):.3f} s")  # fmt: skip
    exe = None if args.no_asreview else asreview_bin()
    ours, theirs, rand, t_ours, t_theirs = [], [], [], [], []
    for seed in range(args.seeds):
        t = time.perf_counter()
        priors, order = simulate_order(
            feats, y, seed=seed, prior_included=args.prior_included, prior_excluded=args.prior_excluded,
            learner=args.learner,
        )  # fmt: skip
        t_ours.append(time.perf_counter() - t)
        ours.append(metrics(found(y, priors, order)))
        rest = np.setdiff1d(np.arange(len(y)), priors)
        rand.append(metrics(y[np.random.default_rng(seed).permutation(rest)]))
        if exe is not None:
            t = time.perf_counter()
            a_order = asreview_order(exe, args.file, priors, seed, args.asreview_ai)
            t_theirs.append(time.perf_counter() - t)
            theirs.append(metrics(found(y, priors, a_order)))
        print(f"seed {seed}: reviewkit wss@95 {ours[-1]['wss@95']:.3f} ({t_ours[-1]:.0f} s)"
              + (f", asreview wss@95 {theirs[-1]['wss@95']:.3f} ({t_theirs[-1]:.0f} s)" if theirs else ""),
              file=sys.stderr)  # fmt: skip
    cols = [("reviewkit " + args.learner, ours), ("random", rand)]
    if theirs:
        cols.insert(1, ("asreview " + args.asreview_ai, theirs))
    print(f"\nmeans over {args.seeds} seeds, priors {args.prior_included} included + {args.prior_excluded} excluded")
    print(f"{'metric':<15}" + "".join(f"{name:>22}" for name, _ in cols))
    for k in SHOWN:
        print(f"{k:<15}" + "".join(f"{np.mean([r[k] for r in rows]):>22.3f}" for _, rows in cols))
    print(f"{'s per run':<15}{np.mean(t_ours):>22.1f}" + (f"{np.mean(t_theirs):>22.1f}" if t_theirs else ""))


if __name__ == "__main__":
    main()
