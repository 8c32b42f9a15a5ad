"""The dashboard in a real browser: Debian's headless Chromium driven by Playwright.

Under CI (CI=true) a missing browser fails the test instead of skipping it: .ci/run
installs the ``chromium`` package."""

from __future__ import annotations

import os
import re
from pathlib import Path

import orjson
import pytest

from tests.monitoring.conftest import RANGE, cli

CHROMIUM = os.environ.get("BACKCOURT_CHROMIUM", "/usr/bin/chromium")
MAX_BYTES = 2_000_000


def browser_or_skip():
    """Playwright and Chromium, or a skip (a failure under CI)."""
    problem = None
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        problem = "the playwright package is not installed (pip install -e '.[test]')"
    if problem is None and not Path(CHROMIUM).exists():
        problem = f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    if problem:
        if os.environ.get("CI") == "true":
            pytest.fail(f"the browser test cannot run under CI: {problem}")
        pytest.skip(problem)
    return sync_playwright


def parse_label(label: str) -> dict:
    """A Vega mark's aria-label: 'date: D; processor: P; state: S; …'."""
    return dict(part.split(": ", 1) for part in label.split("; ") if ": " in part)


def test_dashboard_of_a_damaged_warehouse_in_chromium(damaged, tmp_path):
    sync_playwright = browser_or_skip()
    page_file = tmp_path / "dashboard.html"
    made = cli(["dashboard", *RANGE, "--out", str(page_file), "--json"], damaged.env)
    assert made.returncode == 1, made.stderr.decode()[-2000:]     # incomplete: exit 1
    assert orjson.loads(made.stdout)["complete"] is False
    size = page_file.stat().st_size
    assert 0 < size <= MAX_BYTES, size
    status = cli(["status", *RANGE, "--json"], damaged.env)
    assert status.returncode == 1
    st = orjson.loads(status.stdout)
    expected = {(name, day): c["state"] for name, body in st["processors"].items()
                for day, c in body["dates"].items()}
    # the fixture's damage is what status says
    assert expected[damaged.failed] == "failed"
    assert expected[damaged.missing] == "missing"
    assert expected[damaged.stale] == "stale"

    shot = tmp_path / "dashboard.png"
    outside: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})

        def only_the_file(route) -> None:
            if route.request.url.startswith("file://"):
                route.continue_()
            else:
                outside.append(route.request.url)
                route.abort()

        page.route("**/*", only_the_file)
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(page_file.as_uri())
        page.wait_for_selector("#heatmap svg path[aria-label]", timeout=60_000)
        labels = page.eval_on_selector_all(
            "#heatmap svg path[aria-label]", "els => els.map(e => e.getAttribute('aria-label'))")
        shown = {}
        for label in labels:
            f = parse_label(label)
            if {"processor", "date", "state"} <= f.keys():
                shown[(f["processor"], f["date"])] = f["state"]
        # every partition of status --json is one cell, in the state status gives it
        assert shown == expected
        counts: dict[str, int] = {}
        for s in shown.values():
            counts[s] = counts.get(s, 0) + 1
        for state, n in counts.items():
            assert page.inner_text(f"#state-counts [data-state={state}] b") == str(n)
        # hover the failed cell: the tooltip gives its reason
        proc, day = damaged.failed
        cell = page.locator(f'#heatmap svg path[aria-label^="date: {day}; processor: {proc};"]')
        assert cell.count() == 1
        cell.hover()
        tip = page.locator("#vg-tooltip-element")
        tip.wait_for(state="visible", timeout=10_000)
        text = tip.inner_text()
        assert "failed" in text and re.search(r"points|quarantined|BAD_RAW_INPUT", text), text
        for section in ("#runs", "#validation", "#entity-failures", "#quality", "#performance"):
            assert page.locator(section).count() == 1, section
        page.screenshot(path=str(shot), full_page=True)
        browser.close()
    print(f"\ndashboard screenshot: {shot}")
    assert shot.stat().st_size > 10_000
    assert not errors, errors
    assert outside == []            # the page fetched nothing but itself
