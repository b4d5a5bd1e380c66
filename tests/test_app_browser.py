"""The app in a real headless browser: Debian's chromium driven by Playwright.

The app runs as ``streamlit run app.py`` in a subprocess on a free port, with the test
session's Brightway project (fixture ``bw_project``). Skipped when chromium or Playwright is
missing (``.ci/run`` installs both; Playwright's own browsers are never downloaded).
"""

from __future__ import annotations

import io
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml

from lcasym.paths import examples_dir

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WAIT = 240_000  # ms: a cold Kalundborg run on a busy machine


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def app_url(bw_project, tmp_path_factory):
    """The app served by streamlit in a subprocess; stopped after the module."""
    if not Path(CHROMIUM).exists():
        pytest.skip("chromium is not installed (apt-get install chromium)")
    pytest.importorskip("playwright.sync_api")
    port = _free_port()
    log = tmp_path_factory.mktemp("streamlit") / "server.log"
    env = {**os.environ, "LCASYM_PROJECT": bw_project.project,
           "LCASYM_BRIGHTWAY_DIR": str(bw_project.directory)}  # fmt: skip
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
             "--server.headless", "true", "--server.address", "127.0.0.1"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    pytest.fail(f"streamlit did not start:\n{log.read_text()[-2000:]}")
                time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="module")
def browser(app_url):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, app_url):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, accept_downloads=True)
    pg = context.new_page()
    pg.set_default_timeout(WAIT)
    hosts: set[str] = set()
    pg.on("request", lambda req: hosts.add(urlparse(req.url).hostname or ""))
    pg.goto(app_url)
    pg.hosts = hosts  # type: ignore[attr-defined]
    yield pg
    context.close()


def _metric(pg, label: str) -> str:
    box = pg.locator('[data-testid="stMetric"]', has_text=label).first
    return box.locator('[data-testid="stMetricValue"]').inner_text()


def test_demo_headline_and_no_outside_request(page):
    page.get_by_role("button", name="Open the Kalundborg demo").click()
    value = _metric(page, "Avoided GHG")
    assert any(ch.isdigit() for ch in value)
    page.get_by_text("t CO2-eq/yr").first.wait_for()
    # every request went to the app itself: fonts, favicon and scripts are served locally
    assert page.hosts <= {"127.0.0.1", ""}, page.hosts  # type: ignore[attr-defined]


def test_located_error_then_fix_and_run(page, app_url):
    page.get_by_role("link", name="Network").first.click()
    net = yaml.safe_load((examples_dir() / "tiny.yaml").read_text(encoding="utf-8"))
    broken = {**net, "exchanges": [dict(x) for x in net["exchanges"]]}
    broken["exchanges"][1]["amount"] = -100
    uploader = page.locator('[data-testid="stFileUploader"]', has_text="Upload a network")
    uploader.locator('input[type="file"]').set_input_files(
        {"name": "broken.yaml", "mimeType": "application/x-yaml",
         "buffer": yaml.safe_dump(broken).encode()}
    )  # fmt: skip
    page.get_by_text("exchanges[1] (id 'tiny-heat').amount").first.wait_for()
    page.get_by_text("amount must be > 0").first.wait_for()
    uploader.locator('input[type="file"]').set_input_files(
        {"name": "fixed.yaml", "mimeType": "application/x-yaml",
         "buffer": yaml.safe_dump(net).encode()}
    )  # fmt: skip
    page.get_by_text("The network is valid").first.wait_for()
    page.get_by_role("link", name="Results").first.click()
    page.get_by_role("button", name="Run").click()
    # tiny.yaml's hand-derived total, 32,153.33 kg = 32.2 t CO2-eq/yr (examples/tiny.yaml)
    page.locator('[data-testid="stMetricValue"]', has_text="32").first.wait_for()
    assert _metric(page, "Avoided GHG").startswith("32")


def test_whatif_toggle_changes_the_total(page):
    page.get_by_role("button", name="Open the Kalundborg demo").click()
    _metric(page, "Avoided GHG")
    page.get_by_role("tab", name="What-if").click()
    before = _metric(page, "(what-if)")
    page.get_by_text("Operating (off: planned, out of the totals)").click()
    page.wait_for_function(
        """(before) => [...document.querySelectorAll('[data-testid="stMetric"]')]
            .some(m => m.innerText.includes('(what-if)') && !m.innerText.includes(before))""",
        arg=before,
    )
    assert _metric(page, "(what-if)") != before


def test_downloads_open(page, tmp_path):
    import openpyxl

    page.get_by_role("button", name="Open the Kalundborg demo").click()
    _metric(page, "Avoided GHG")
    page.get_by_role("button", name="Prepare the PDF report").click()
    with page.expect_download() as pdf_info:
        page.get_by_role("button", name="Download the PDF report").click()
    pdf = tmp_path / "report.pdf"
    pdf_info.value.save_as(pdf)
    assert pdf.read_bytes()[:5] == b"%PDF-"
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
        assert "Kalundborg" in text
    page.get_by_role("link", name="Data & downloads").first.click()
    with page.expect_download() as xlsx_info:
        page.get_by_role("button", name="Excel workbook").click()
    data = Path(xlsx_info.value.path()).read_bytes()
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    assert "totals" in book.sheetnames


def test_two_users_keep_their_own_results(browser, app_url):
    """Two browser contexts at once: Kalundborg (Monte Carlo) and tiny (central values)."""
    contexts = [browser.new_context(viewport={"width": 1280, "height": 800}) for _ in range(2)]
    try:
        a, b = (c.new_page() for c in contexts)
        for pg in (a, b):
            pg.set_default_timeout(WAIT)
            pg.goto(app_url)
        a.get_by_role("button", name="Open the Kalundborg demo").click()  # 200 draws
        # meanwhile the second user loads and runs tiny.yaml
        b.get_by_role("link", name="Network").first.click()
        b.get_by_role("button", name="Load example").wait_for()
        b.get_by_text("Example network").first.wait_for()
        b.locator('[data-testid="stSelectbox"]').first.click()
        b.get_by_role("option", name="Tiny synthetic network").first.click()
        b.get_by_role("button", name="Load example").click()
        b.get_by_text("The network is valid").first.wait_for()
        b.get_by_role("link", name="Results").first.click()
        b.get_by_role("button", name="Run").click()
        tiny_value = _metric(b, "Avoided GHG")
        kalundborg_value = _metric(a, "Avoided GHG")
        # tiny.yaml: 32.2 t CO2-eq/yr by hand (examples/tiny.yaml); Kalundborg is far larger
        assert tiny_value.startswith("32")
        assert kalundborg_value != tiny_value
        assert float(kalundborg_value.replace(",", "").split()[0]) > 1000
        b.reload()  # a new browser session starts empty: nobody sees another's network
        b.get_by_role("button", name="Open the Kalundborg demo").wait_for()
    finally:
        for c in contexts:
            c.close()


PAGES = ("Network", "Data & downloads", "Opportunities", "About & method")
SIZES = ((1280, 800), (390, 844))


def _shot(pg, path: Path, width: int, height: int) -> None:
    """The whole page (Streamlit scrolls inside its main block: grow the viewport to it)."""
    full = pg.evaluate(
        "() => (document.querySelector('[data-testid=\"stMain\"]') || document.body).scrollHeight"
    )
    pg.set_viewport_size({"width": width, "height": min(max(full, height), 8000)})
    pg.wait_for_timeout(500)
    pg.screenshot(path=str(path))
    pg.set_viewport_size({"width": width, "height": height})


def _page_overflow(pg) -> int:
    """Pixels the page is wider than the window (tables and tab rows scroll inside)."""
    return pg.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def _impact_table_scrolls_sideways(pg):
    """The impact table is wider than the window at 390 px: every column is reachable by
    scrolling it sideways, and its pinned category column stays at the left edge."""
    table = pg.locator('[data-testid="stDataFrame"]').first
    table.scroll_into_view_if_needed()
    scroller = table.locator(".dvn-scroller")
    wide, shown = scroller.evaluate("s => [s.scrollWidth, s.clientWidth]")
    assert wide > shown  # more columns than fit ...
    box = table.bounding_box()
    pg.mouse.move(box["x"] + box["width"] / 2, box["y"] + 80)
    pg.mouse.wheel(wide, 0)
    pg.wait_for_function("s => s.scrollLeft > 0", arg=scroller.element_handle())
    assert scroller.evaluate("s => s.scrollLeft + s.clientWidth") >= wide - 2  # ... reachable
    # the category column is pinned (AppTest checks the column configuration); the grid is
    # drawn on a canvas, so look at the picture: tests write it next to the screenshots
    return table


def test_every_page_at_1280_and_390_without_sideways_page_scroll(page, tmp_path):
    """Screenshots of every page at 1280x800 and 390x844 (into $LCASYM_SCREENSHOTS when set,
    to look at), no page wider than the window, and the impact table, wider than a phone,
    scrolls sideways with its category column pinned instead of cutting columns off."""
    out = Path(os.environ.get("LCASYM_SCREENSHOTS") or tmp_path)
    out.mkdir(parents=True, exist_ok=True)
    page.get_by_role("button", name="Open the Kalundborg demo").click()
    page.get_by_text("t CO2-eq/yr").first.wait_for()
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        page.get_by_role("link", name="Results").first.dispatch_event("click")
        page.get_by_text("Avoided GHG").first.wait_for()
        _shot(page, out / f"results_{width}.png", width, height)
        assert _page_overflow(page) <= 0, f"Results at {width} px"
        if width < 500:
            table = _impact_table_scrolls_sideways(page)
            table.screenshot(path=str(out / "impact_table_scrolled_390.png"))
        for name in PAGES:
            page.get_by_role("link", name=name).first.dispatch_event("click")
            page.get_by_role("heading", level=1).filter(has_text=name.split(" ")[0]).wait_for()
            if name == "Opportunities":
                page.get_by_text("The best set").first.wait_for()
            page.wait_for_timeout(1500)
            _shot(page, out / f"{name.split(' ')[0].lower()}_{width}.png", width, height)
            assert _page_overflow(page) <= 0, f"{name} at {width} px"
