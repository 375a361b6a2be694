"""The README's screen sample: the demo project's Review screen as text (and SVG), as `reviewkit demo` opens it.

Run: ``python benchmarks/readme_screen.py [--db DIR/reviewkit.db] [--size 120x40] [--svg docs/review-screen.svg]``.
It builds the demo project (`reviewkit.project.demo.build_demo`, the bundled model on CPU; kept in the
temp directory and reused), opens the third document of the Documents list, moves to its third
passage, and prints the screen. Paste the text into README.md after a change to the Review screen.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

from reviewkit.project import open_project
from reviewkit.project.demo import build_demo
from reviewkit.tui.app import make_app


async def capture(db: Path, size: tuple[int, int], svg: Path | None) -> str:
    """Open the Review screen on the demo project and return the screen text."""
    store = open_project(db)
    try:
        app = make_app(store, "alice", cursor_blink=False)
        async with app.run_test(size=size) as pilot:
            for keys in (("down", "down", "enter"), ("j", "j")):
                await app.workers.wait_for_complete()
                await pilot.pause()
                await pilot.press(*keys)
            await app.workers.wait_for_complete()
            await pilot.pause()
            if svg is not None:
                svg.write_text(app.export_screenshot(title="reviewkit"), encoding="utf-8")
            return "\n".join(strip.text.rstrip() for strip in app.screen._compositor.render_strips())
    finally:
        store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path, default=Path(tempfile.gettempdir()) / "reviewkit-readme" / "reviewkit.db")
    parser.add_argument("--size", default="120x40", help="terminal columns x lines")
    parser.add_argument("--svg", type=Path, default=None, help="also write the screen as SVG")
    args = parser.parse_args()
    args.db.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    store = open_project(args.db, create=True)
    try:
        build_demo(store)
    finally:
        store.close()
    built = time.perf_counter() - started
    cols, lines = (int(v) for v in args.size.lower().split("x"))
    text = asyncio.run(capture(args.db, (cols, lines), args.svg))
    print(text)
    print(f"\n(demo project built or reused in {built:.1f} s: {args.db})")


if __name__ == "__main__":
    main()
