"""The ``--html`` report in a real headless Chromium (Debian's, driven by Playwright; installed
by scripts/install-browser.sh): loads offline with no console errors and shows the agents and
totals the summary JSON has."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
KEFULINT = shutil.which("kefulint", path=str(Path(sys.executable).parent)) or shutil.which("kefulint")

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright not installed (scripts/install-browser.sh)")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium not installed (scripts/install-browser.sh)"),
]


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    d = tmp_path_factory.mktemp("html")
    subprocess.run([KEFULINT, "scan", "samples/scan", "-q", "--html", d / "r.html", "--summary-json", d / "s.json"],
                   cwd=ROOT, check=False, timeout=120)
    return d / "r.html", json.loads((d / "s.json").read_text(encoding="utf-8"))


def test_report_in_headless_chromium(report):
    path, summary = report
    html = path.read_text(encoding="utf-8")
    assert "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "") and "https://" not in html
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page()
            errors, requests = [], []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("request", lambda r: requests.append(r.url))
            page.goto(path.as_uri())
            page.wait_for_selector("body[data-ready='1']", timeout=10000)
            assert errors == []
            assert requests == [path.as_uri()]  # nothing fetched: one self-contained file

            shown = {row.get_attribute("data-agent"): int(row.locator(".agent-points").inner_text())
                     for row in page.locator("#agents tbody tr").all()}
            assert shown == {a["agent"]: a["points"] for a in summary["agents"]}
            total = page.locator(".card[data-count='points'] b").inner_text()
            assert total == f"{summary['counts']['points']:,}"
            first_agent = page.locator("#agents tbody tr").first.inner_text()
            assert "阿强" in first_agent and "☠" in first_agent and "⚑" not in first_agent  # fatal, not over the threshold

            rows = page.locator("#findings-body tr")
            assert rows.count() == summary["counts"]["findings"]
            assert page.locator("#findings-body mark").count() > 0
            page.click("th[data-col='points']")
            points = [int(t) for t in page.locator("#findings-body tr td:nth-child(7)").all_inner_texts()]
            assert points == sorted(points, reverse=True)
            assert page.locator("svg[aria-label='points per agent'] rect").count() == sum(
                1 for a in summary["agents"] if a["points"])
            days = sorted(summary["points_by_day"])
            first, last = (date.fromisoformat(d) for d in (days[0], days[-1]))
            assert page.locator("svg[aria-label='points over time'] rect").count() == (last - first).days + 1
        finally:
            browser.close()


def test_findings_table_explains_each_finding_errors_first_and_nothing_is_cut(report):
    path, _ = report
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(path.as_uri())
            page.wait_for_selector("body[data-ready='1']", timeout=10000)
            heads = page.locator("#findings th").all_inner_texts()
            assert heads[:6] == ["级别", "规则", "问题", "买家上文", "客服消息", "建议"]
            # a header is one line, not a column of single characters
            heights = page.eval_on_selector_all("#findings th", "ths => ths.map(t => t.getBoundingClientRect().height)")
            line = page.eval_on_selector("#findings th", "t => parseFloat(getComputedStyle(t).lineHeight) || 18")
            assert max(heights) < 2 * line + 10, heights
            severities = page.locator("#findings-body tr td:nth-child(1)").all_inner_texts()
            ranks = [{"error": 0, "warning": 1, "info": 2}[s] for s in severities]
            assert ranks == sorted(ranks) and severities[0] == "error"
            row = page.locator("#findings-body tr", has_text="contact.wechat-on-request").first
            cells = row.locator("td").all_inner_texts()
            from kefulint import Linter

            message = next(r.message for r in Linter.default().rules if r.id == "contact.wechat-on-request")
            assert cells[1] == "contact.wechat-on-request" and cells[2] == message
            assert cells[3] and cells[5] == "亲，有问题请直接在旺旺上联系我们哦"  # the buyer turn, the suggestion
            # chart labels are whole and inside their chart
            for chart in ("points per agent", "points per category"):
                boxes = page.eval_on_selector_all(
                    f"svg[aria-label='{chart}'] text[text-anchor='end']",
                    "ts => ts.map(t => [t.textContent, t.getBBox().x])")
                assert boxes and all(x >= 0 for _, x in boxes), boxes
            labels = [t for t, _ in page.eval_on_selector_all(
                "svg[aria-label='points per category'] text[text-anchor='end']",
                "ts => ts.map(t => [t.textContent, 0])")]
            assert "contact.wechat 微信" in labels and all(not t.endswith("…") for t in labels)
        finally:
            browser.close()
