"""Render an HTML page in headless Chromium and read back measurements a script took inside the page."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars")


def chromium() -> str:
    """The Chromium binary ($OPENCHECK_CHROMIUM or on PATH); a missing browser fails the test, it never skips."""
    found = os.environ.get("OPENCHECK_CHROMIUM") or next(filter(None, map(shutil.which, CANDIDATES)), None)
    assert found, "Chromium is needed to render the HTML report: apt-get install -y chromium (or set " \
                  "OPENCHECK_CHROMIUM)"
    return found


def _run(args: list[str], profile: str) -> str:
    done = subprocess.run([chromium(), *FLAGS, f"--user-data-dir={profile}", *args], capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def measure(html: str, script: str, width: int, height: int = 900) -> dict:  # type: ignore[type-arg]
    """Load `html` at `width` px with `script` appended (the page's CSP relaxed to allow it) and return the JSON
    the script stores in `document.body.dataset.measure`."""
    page = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", html, count=1)
    page = page.replace("</body>", f"<script>{script}</script></body>")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "page.html"
        path.write_text(page, encoding="utf-8")
        dom = _run([f"--window-size={width},{height}", "--virtual-time-budget=5000", "--dump-dom", path.as_uri()],
                   str(Path(tmp) / "profile"))
    found = re.search(r'data-measure="([^"]*)"', dom)
    assert found, dom[-2000:]
    import html as html_lib

    return json.loads(html_lib.unescape(found.group(1)))  # type: ignore[no-any-return]


def screenshot(html_path: Path, png: Path, width: int, height: int) -> bytes:
    """A PNG of the page as a reader sees it (the report untouched, its CSP in force)."""
    with tempfile.TemporaryDirectory() as tmp:
        _run([f"--window-size={width},{height}", f"--screenshot={png}", html_path.as_uri()], tmp)
    return png.read_bytes()
