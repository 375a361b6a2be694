"""Benchmark and screenshot of `reviewkit serve` in headless Chromium: first paint, accept round trip.

Run: ``python benchmarks/screenshot_serve.py [--loads 3] [--accepts 10] [--out docs/serve-review.png]``.
Builds the tests' fixture project in a temporary directory, serves it on a free local port and
drives Debian's Chromium (``/usr/bin/chromium`` with ``chromedriver``; see tests/_browser.py).

- first paint: from asking the browser for the page to the documents table drawn (its first
  author's name arrives in the terminal stream), over fresh page loads (each starts its own app);
- accept round trip: from sending ``a`` to the page to the accepted row in the project file,
  each followed by ``u`` (undo, waited for too), so every press decides the same suggestion.

Finally, in a fresh session, it opens the first document, accepts a suggestion, moves two passages
down and saves the Review screen as PNG.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from _browser import Browser, browser_missing, free_port, served, wait_for  # noqa: E402
from _review_fixtures import build_project  # noqa: E402


def accepted(db: Path) -> int:
    """How many accepted decisions the project file holds (read-only, no lock)."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
        return int(con.execute("SELECT count(*) FROM codings WHERE status = 'accepted'").fetchone()[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loads", type=int, default=3, help="page loads timed for first paint")
    parser.add_argument("--accepts", type=int, default=10, help="accept (and undo) presses timed")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "serve-review.png")
    args = parser.parse_args()
    if reason := browser_missing():
        sys.exit(f"cannot run: {reason}")

    with tempfile.TemporaryDirectory(prefix="reviewkit-serve-") as tmp:
        db = Path(tmp) / "review-demo.db"
        build_project(db)
        port = free_port()
        url = f"http://127.0.0.1:{port}/"
        with served(db, port, "--coder", "alice", log=Path(tmp) / "serve.log"), Browser(1280, 800) as browser:
            paints, frames = [], []
            for _ in range(args.loads):
                start = time.perf_counter()
                browser.open(url)
                browser.wait_drawn("Storper, Michael", timeout=30, interval=0.01)
                paints.append(time.perf_counter() - start)
                frames.append(browser.first_frame() or float("nan"))

            mark = len(browser.raw())
            browser.press("\n")  # open the first document
            browser.wait_drawn("a accept", timeout=10, since=mark)
            browser.wait_drawn("regionalism.collective_learning", timeout=10, since=mark)
            trips, undos = [], []
            for _ in range(args.accepts):
                start = time.perf_counter()
                browser.press("a")
                wait_for(lambda: accepted(db) == 1, 10, "the accepted row", interval=0.002)
                trips.append(time.perf_counter() - start)
                start = time.perf_counter()
                browser.press("u")
                wait_for(lambda: accepted(db) == 0, 10, "the undo", interval=0.002)
                undos.append(time.perf_counter() - start)

            browser.open(url)  # a fresh session for the picture (no undo notifications)
            browser.wait_drawn("Storper, Michael", timeout=30)
            mark = len(browser.raw())
            browser.press("\n")
            browser.wait_drawn("regionalism.collective_learning", timeout=10, since=mark)
            browser.press("a")
            wait_for(lambda: accepted(db) == 1, 10, "the accepted row")
            mark = len(browser.raw())
            browser.press("jj")  # passage 3: two suggestions, and the evidence of the first
            wait_for(lambda: len(browser.raw()) > mark, 10, "the next passage drawn")
            time.sleep(1.0)  # let the app and xterm.js finish the frame
            args.out.parent.mkdir(parents=True, exist_ok=True)
            browser.screenshot(args.out)

    def ms(xs: list[float]) -> str:
        return f"median {statistics.median(xs) * 1000:.0f} ms (min {min(xs) * 1000:.0f}, max {max(xs) * 1000:.0f})"

    print(f"first paint (page request to documents table drawn), {args.loads} loads: {ms(paints)}")
    print(f"  of which page start to the app's first frame: {ms(frames)}")
    print(f"accept round trip (key sent to row in the project file), {args.accepts} presses: {ms(trips)}")
    print(f"undo round trip (key sent to row gone), {args.accepts} presses: {ms(undos)}")
    print(f"screenshot: {args.out}")


if __name__ == "__main__":
    main()
