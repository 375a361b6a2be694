"""Provides the pieces that drive `reviewkit serve` in headless Chromium (the test and the benchmark share them).

`served` starts the server as a subprocess in its own process group and always kills the group
(the server and every `reviewkit review` it started). `Browser` drives Debian's Chromium through
selenium and `/usr/bin/chromedriver` (no browser download). The page draws the terminal on a
canvas (xterm.js), so `Browser` records what the app sends: a script installed before the page's
own wraps `WebSocket` and appends the decoded output to `window.__rk.text`; `screen_text()` is
that stream without the escape sequences, enough to wait for a word to be drawn.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip

# Runs before the page's scripts: keep every frame the server sends, decoded, with arrival times.
RECORDER = r"""
window.__rk = {text: "", t0: performance.now(), first: null};
const NativeWebSocket = window.WebSocket;
window.WebSocket = function (url, protocols) {
  const ws = protocols === undefined ? new NativeWebSocket(url) : new NativeWebSocket(url, protocols);
  const decoder = new TextDecoder("utf-8");
  ws.addEventListener("message", (event) => {
    if (window.__rk.first === null) window.__rk.first = performance.now();
    window.__rk.text += typeof event.data === "string" ? event.data : decoder.decode(event.data, {stream: true});
  });
  return ws;
};
window.WebSocket.prototype = NativeWebSocket.prototype;
Object.assign(window.WebSocket, {CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3});
"""

_ESCAPES = re.compile(
    r"\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][A-Za-z0-9]|\x1b[=>78]"
)


def browser_missing() -> str | None:
    """Why the browser test cannot run here (None when it can)."""
    for name, why in (("selenium", "the test extra"), ("textual_serve", "the serve extra")):
        try:
            __import__(name)
        except ImportError:
            return f"{name} is not installed ({why}: pip install -e '.[test]')"
    if not shutil.which("chromium"):
        return "no chromium on PATH (Debian: apt-get install chromium chromium-driver)"
    if not shutil.which("chromedriver"):
        return "no chromedriver on PATH (Debian: apt-get install chromium-driver)"
    return None


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(check: Callable[[], Any], timeout: float, what: str, interval: float = 0.05) -> Any:
    """Poll `check` until it returns something truthy; AssertionError naming `what` after `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        if result := check():
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


def serve_env() -> dict[str, str]:
    """The environment for the server: this checkout first on PYTHONPATH (the app runs `-m reviewkit`)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [env.get("PYTHONPATH")])])
    return env


@contextmanager
def served(
    db: Path, port: int, *args: str, log: Path, timeout: float = 20.0
) -> Iterator[subprocess.Popen[bytes]]:
    """Run `reviewkit serve --db DB --port PORT ARGS` until the block ends; the URL answers on entry."""
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "reviewkit", "serve", "--db", str(db), "--port", str(port), *args],
            stdout=out, stderr=subprocess.STDOUT, env=serve_env(), start_new_session=True,
        )  # fmt: skip
    try:

        def listening() -> bool:
            if proc.poll() is not None:
                raise AssertionError(
                    f"reviewkit serve exited ({proc.returncode}): {log.read_text(errors='replace')}"
                )
            with closing(socket.socket()) as s:
                return s.connect_ex(("127.0.0.1", port)) == 0

        wait_for(listening, timeout, f"reviewkit serve to listen on port {port}")
        yield proc
    finally:
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(proc.pid, sig)
            except ProcessLookupError:
                break
            try:
                proc.wait(timeout=5)
                break
            except subprocess.TimeoutExpired:
                continue


class Browser:
    """Headless Chromium under selenium, recording what the served app draws."""

    def __init__(self, width: int = 1280, height: int = 800) -> None:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        self._profile = tempfile.TemporaryDirectory(prefix="reviewkit-chromium-")
        options = webdriver.ChromeOptions()
        options.binary_location = str(shutil.which("chromium"))
        for arg in [
            *CHROMIUM_ARGS,
            f"--window-size={width},{height}",
            f"--user-data-dir={self._profile.name}",
        ]:
            options.add_argument(arg)
        self.driver = webdriver.Chrome(service=Service(str(shutil.which("chromedriver"))), options=options)
        self.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": RECORDER})

    def close(self) -> None:
        """Quit Chromium and drop its profile."""
        try:
            self.driver.quit()
        finally:
            self._profile.cleanup()

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def open(self, url: str) -> None:
        """Load the page (returns once the document has loaded; the app draws afterwards)."""
        self.driver.get(url)

    def raw(self) -> str:
        """Everything the app has sent so far, escape sequences included."""
        return str(self.driver.execute_script("return window.__rk.text"))

    def screen_text(self, since: int = 0) -> str:
        """The text the app has drawn since raw offset `since`, without escape sequences."""
        return _ESCAPES.sub("", self.raw()[since:])

    def wait_drawn(self, word: str, timeout: float, since: int = 0, interval: float = 0.05) -> None:
        """Wait until the app draws `word` (after raw offset `since`), polling every `interval` s."""
        wait_for(lambda: word in self.screen_text(since), timeout, f"the page to show {word!r}", interval)

    def first_frame(self) -> float | None:
        """Seconds from the page's start to the first frame the app sent (None before it)."""
        ms = self.driver.execute_script(
            "const r = window.__rk; return r.first === null ? null : r.first - r.t0"
        )
        return None if ms is None else float(ms) / 1000

    def press(self, keys: str) -> None:
        """Type into the terminal (xterm.js listens on its hidden textarea, which gets the focus)."""
        from selenium.webdriver.common.by import By

        terminal = self.driver.find_element(By.CSS_SELECTOR, ".xterm-helper-textarea")
        terminal.send_keys(keys)

    def screenshot(self, path: Path) -> None:
        """Save the page as PNG."""
        self.driver.save_screenshot(str(path))
