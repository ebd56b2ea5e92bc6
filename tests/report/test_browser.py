"""The rendered pages in a real browser: Debian's headless Chromium, driven over the Chrome
DevTools Protocol.

How: Chromium is started with ``--remote-debugging-pipe`` (no port, no network): it reads
commands from fd 3 and writes replies and events to fd 4, as NUL-terminated JSON. The test opens
one tab, and for each page (the index, both national reports, three factsheets) navigates to its
``file://`` URL, waits for the load event and then

- collects console errors and uncaught exceptions (``Runtime.consoleAPICalled`` of type error,
  ``Runtime.exceptionThrown``) and browser log errors (``Log.entryAdded``: failed loads,
  blocked resources);
- evaluates in the page: every ``<img>`` is complete with ``naturalWidth > 0``; every
  ``<a href>`` is listed with its resolved URL, so that local targets can be checked on disk
  (``file://`` path exists; ``#id`` targets exist in the page);
- saves a PNG screenshot (``Page.captureScreenshot``, 1280 px wide) to a temporary directory,
  or to ``$MIRIAM_SCREENSHOTS`` when set (how docs/screenshots/ is made).

The browser is killed by the test (its own process only). Skipped when chromium is missing.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import shutil
import time
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from pages import MAIN

CHROMIUM = next((p for p in (shutil.which("chromium"), "/usr/bin/chromium") if p and Path(p).exists()), None)
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")
WIDTH, HEIGHT = 1280, 1600

CHECK = """(() => {
  const imgs = [...document.images].map(
      i => ({src: i.currentSrc.slice(0, 60), ok: i.complete && i.naturalWidth > 0}));
  const links = [...document.querySelectorAll('a[href]')].map(
      a => ({href: a.href, raw: a.getAttribute('href')}));
  const missingTargets = links.filter(l => l.raw.startsWith('#') && l.raw.length > 1)
      .map(l => decodeURIComponent(l.raw.slice(1))).filter(id => !document.getElementById(id));
  const levels = [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')].map(h => +h.tagName[1]);
  const skipped = levels.filter((l, i) => i > 0 && l > levels[i - 1] + 1).length;
  const noAlt = [...document.images].filter(i => !(i.getAttribute('alt') || '').trim()).length;
  const bareTables = [...document.querySelectorAll('table')].filter(t => !t.querySelector('th')).length;
  return {imgs, links, missingTargets, lang: document.documentElement.lang, title: document.title,
          h1: document.querySelectorAll('h1').length, width: document.documentElement.scrollWidth,
          skipped, noAlt, bareTables};
})()"""


class Browser:
    """A minimal CDP client over Chromium's debugging pipe."""

    def __init__(self, profile: Path):
        to_child = os.pipe()
        from_child = os.pipe()
        # keep our ends away from fds 3 and 4, which the child needs
        self.write_fd = fcntl.fcntl(to_child[1], fcntl.F_DUPFD_CLOEXEC, 100)
        self.read_fd = fcntl.fcntl(from_child[0], fcntl.F_DUPFD_CLOEXEC, 100)
        child_in = fcntl.fcntl(to_child[0], fcntl.F_DUPFD_CLOEXEC, 100)
        child_out = fcntl.fcntl(from_child[1], fcntl.F_DUPFD_CLOEXEC, 100)
        for fd in (*to_child, *from_child):
            os.close(fd)
        args = [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--no-first-run",
            "--no-default-browser-check",
            "--hide-scrollbars",
            "--remote-debugging-pipe",
            f"--user-data-dir={profile}",
            "about:blank",
        ]
        actions = [
            (os.POSIX_SPAWN_DUP2, child_in, 3),
            (os.POSIX_SPAWN_DUP2, child_out, 4),
            (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
            (os.POSIX_SPAWN_OPEN, 2, os.devnull, os.O_WRONLY, 0),
        ]
        self.pid = os.posix_spawn(CHROMIUM, args, os.environ, file_actions=actions)
        os.close(child_in)
        os.close(child_out)
        self.buffer = b""
        self.next_id = 0
        self.events: list[dict] = []

    def close(self) -> None:
        try:
            self.send("Browser.close", timeout=5)
        except Exception:  # noqa: BLE001 - closing anyway
            pass
        for _ in range(50):
            if os.waitpid(self.pid, os.WNOHANG) != (0, 0):
                break
            time.sleep(0.1)
        else:
            os.kill(self.pid, 9)
            os.waitpid(self.pid, 0)
        os.close(self.write_fd)
        os.close(self.read_fd)

    def _read(self, deadline: float) -> dict:
        while b"\0" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.read_fd], [], [], left)[0]:
                raise TimeoutError("no reply from chromium")
            chunk = os.read(self.read_fd, 1 << 20)
            if not chunk:
                raise RuntimeError("chromium closed the pipe")
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def send(self, method: str, params: dict | None = None, session: str | None = None, timeout: float = 15):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self.write_fd, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self._read(deadline)
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_for(self, method: str, session: str, timeout: float = 15) -> None:
        deadline = time.monotonic() + timeout
        while True:
            for i, event in enumerate(self.events):
                if event.get("method") == method and event.get("sessionId") == session:
                    del self.events[i]
                    return
            self.events.append(self._read(deadline))


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    b = Browser(tmp_path_factory.mktemp("chromium-profile"))
    try:
        target = b.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = b.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for method in ("Page.enable", "Runtime.enable", "Log.enable"):
            b.send(method, session=session)
        b.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": WIDTH, "height": HEIGHT, "deviceScaleFactor": 1, "mobile": False},
            session=session,
        )
        yield b, session
    finally:
        b.close()


def visit(browser, url: str) -> tuple[dict, list[str], bytes]:
    """Load `url`; return the in-page checks, the errors seen, and a PNG screenshot."""
    b, session = browser
    b.events.clear()
    b.send("Page.navigate", {"url": url}, session=session)
    b.wait_for("Page.loadEventFired", session)
    checks = b.send("Runtime.evaluate", {"expression": CHECK, "returnByValue": True}, session=session)[
        "result"
    ]["value"]
    shot = b.send("Page.captureScreenshot", {"format": "png"}, session=session)["data"]
    errors = []
    for event in b.events:
        method, params = event.get("method"), event.get("params", {})
        if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            errors.append(
                "console: " + " ".join(str(a.get("value", a.get("description"))) for a in params["args"])
            )
        elif method == "Runtime.exceptionThrown":
            errors.append("exception: " + params["exceptionDetails"].get("text", ""))
        elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
            errors.append(f"log: {params['entry'].get('text')} {params['entry'].get('url', '')}")
    return checks, errors, base64.b64decode(shot)


def pages(build) -> dict[str, Path]:
    out = {"index": build.report_dir(MAIN) / "index.html"}
    for lang in ("nl", "fr"):
        out[f"national-{lang}"] = build.doc("national", lang)
    out["factsheet-antwerpen-nl"] = build.doc("factsheet-antwerpen", "nl")
    out["factsheet-liege-fr"] = build.doc("factsheet-liege", "fr")
    out["factsheet-schaarbeek-fr"] = build.doc("factsheet-schaarbeek", "fr")
    out["factsheet-dison-fr"] = build.doc("factsheet-dison", "fr")  # a withheld sheet
    missing = [k for k, p in out.items() if not p.exists()]
    assert not missing, f"pages the build should have made: {missing}"
    return out


def test_pages_load_cleanly_in_chromium(build, browser, tmp_path):
    shots = Path(os.environ.get("MIRIAM_SCREENSHOTS") or tmp_path / "screenshots")
    shots.mkdir(parents=True, exist_ok=True)
    visited = pages(build)
    assert {"index", "national-nl", "national-fr"} <= set(visited)
    problems = []
    for name, path in visited.items():
        checks, errors, png = visit(browser, path.resolve().as_uri())
        (shots / f"{name}.png").write_bytes(png)
        problems += [f"{name}: {e}" for e in errors]
        problems += [f"{name}: image not loaded {i['src']}" for i in checks["imgs"] if not i["ok"]]
        problems += [f"{name}: no element #{t}" for t in checks["missingTargets"]]
        for link in checks["links"]:
            url = urlparse(link["href"])
            if url.scheme == "file" and not Path(unquote(url.path)).exists():
                problems.append(f"{name}: broken link {link['raw']}")
        assert checks["lang"] in ("nl-BE", "fr-BE"), name
        assert checks["h1"] == 1, name
        assert checks["skipped"] == 0, f"{name}: a heading level is skipped"
        assert checks["noAlt"] == 0, f"{name}: an image without alt text"
        assert checks["bareTables"] == 0, f"{name}: a table without header cells"
        assert checks["width"] <= WIDTH, f"{name}: horizontal scroll ({checks['width']} px)"
        if name.startswith("national"):
            assert len(checks["imgs"]) >= 2, f"{name}: charts missing"
        if name == "index":
            assert len(checks["links"]) >= 6
        assert png.startswith(b"\x89PNG") and len(png) > 10_000
    assert not problems, "\n".join(problems)


def test_the_checks_catch_a_broken_page(browser, tmp_path):
    """The driver is not blind: a console error, a missing image and a dead link are seen."""
    page = tmp_path / "broken.html"
    page.write_text(
        '<!DOCTYPE html><html lang="nl-BE"><head><meta charset="utf-8"><title>x</title></head><body>'
        '<h1>x</h1><h3>y</h3><img src="missing.png" alt="x"><a href="nope.html">n</a><a href="#none">n</a>'
        '<table><tr><td>1</td></tr></table><img src="missing2.png">'
        '<script>console.error("boom")</script></body></html>',
        encoding="utf-8",
    )
    checks, errors, _ = visit(browser, page.as_uri())
    assert any("boom" in e for e in errors)
    assert any("missing.png" in e or "ERR_FILE_NOT_FOUND" in e for e in errors)
    assert [i["ok"] for i in checks["imgs"]] == [False, False]
    assert checks["skipped"] == 1 and checks["noAlt"] == 1 and checks["bareTables"] == 1
    assert checks["missingTargets"] == ["none"]
    assert any(link["raw"] == "nope.html" for link in checks["links"])
