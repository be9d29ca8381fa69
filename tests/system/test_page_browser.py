"""The draft page in a real headless Chromium (Debian's, driven by Playwright):
type a draft with a phone number, see it highlighted, copy the fix.

Needs `scripts/install-browser.sh` (chromium + the playwright package)."""
from __future__ import annotations

import os
import shutil

import pytest
from serve_helpers import Served

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("KEFULINT_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
DRAFT = "亲，有问题打我电话13800138000哦"
FIXED = "亲，有问题请直接在旺旺上联系我们哦"  # the invitation's sentence replaced, not the number masked


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright not installed: scripts/install-browser.sh")
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"chromium not installed ({CHROMIUM}): scripts/install-browser.sh")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def server():
    served = Served()
    yield served
    served.stop()


@pytest.fixture
def page(browser, server):
    context = browser.new_context()
    origin = f"http://127.0.0.1:{server.port}"
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=origin)
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(f"console {msg.type}: {msg.text}") if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    page.on("requestfailed", lambda req: problems.append(f"request failed: {req.url}"))
    page.on("request", lambda req: None if req.url.startswith(origin) else problems.append(f"external: {req.url}"))
    page.goto(origin + "/")
    yield page
    context.close()
    assert problems == []


def test_type_a_phone_number_see_it_highlighted_and_copy_the_fix(page):
    page.click("#draft")
    page.keyboard.type(DRAFT, delay=15)
    mark = page.locator('#backdrop mark[data-rule="contact.mobile"]')
    mark.wait_for()
    assert mark.inner_text() == "13800138000"  # the highlight covers exactly the number
    item = page.locator('#findings li[data-rule="contact.mobile"]')
    text = item.inner_text()
    assert "contact.mobile" in text and "6 分" in text
    assert "不得向买家透露手机号" in text and "138****8000" in text and "13800138000" not in text
    # the message first, the rule id after it; a dismissal item says so
    assert text.index("不得向买家透露手机号") < text.index("contact.mobile")
    assert item.locator(".fatal").inner_text() == "开除项"
    assert "建议：亲，有问题请直接在旺旺上联系我们哦" in text
    assert "不能发送" in page.locator("#status").inner_text()
    assert page.locator("#suggested").inner_text() == FIXED
    # debounced: far fewer checks than keystrokes
    assert page.evaluate("window.kefulint.requests") < len(DRAFT) / 2

    page.click("#copy")
    page.locator("#copied").filter(has_text="已复制").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == FIXED
    assert page.evaluate("window.kefulint.lastCopied") == FIXED


def test_copy_right_after_typing_copies_the_fix_for_the_current_text(page):
    page.fill("#draft", "你问我，我问谁？")
    page.click("#copy")  # before the debounce fires
    page.locator("#copied").filter(has_text="已复制").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == "亲，这个问题我马上帮您核实，请您稍等片刻"


def test_clean_draft_shows_no_highlight(page):
    page.click("#draft")
    page.keyboard.type("亲，您好，请问有什么可以帮您？", delay=5)
    page.locator("#status").filter(has_text="未发现问题").wait_for()
    assert page.locator("#backdrop mark").count() == 0
    assert page.locator("#findings li").count() == 0


def test_editing_removes_the_highlight(page):
    page.click("#draft")
    page.keyboard.type(DRAFT, delay=5)
    page.locator("#backdrop mark").first.wait_for()
    page.fill("#draft", "")
    page.click("#draft")
    page.keyboard.type("亲，稍等哦，马上帮您查", delay=5)
    page.locator("#status").filter(has_text="未发现问题").wait_for()
    assert page.locator("#backdrop mark").count() == 0


def test_highlight_offsets_hold_after_an_emoji(page):
    # the service counts code points; an emoji is two UTF-16 units in JavaScript
    page.fill("#draft", "亲😊😊有事打我电话13800138000")
    page.dispatch_event("#draft", "input")
    mark = page.locator('#backdrop mark[data-rule="contact.mobile"]')
    mark.wait_for()
    assert mark.inner_text() == "13800138000"


def test_page_works_behind_a_token(browser):
    token = "page-token-0123456789abcdef"
    served = Served(env={"KEFULINT_TOKEN": token})
    try:
        context = browser.new_context()
        page = context.new_page()
        origin = f"http://127.0.0.1:{served.port}"
        refused = page.goto(origin + "/")
        assert refused.status == 401  # no token, no page: a page that says what to do instead
        assert "需要访问令牌" in page.inner_text("h1") and "?token=" in page.inner_text("body")
        assert page.goto(f"{origin}/?token={token}").status == 200
        page.click("#draft")
        page.keyboard.type(DRAFT, delay=5)
        page.locator('#backdrop mark[data-rule="contact.mobile"]').wait_for()  # the cookie carried the token
        assert page.locator("#suggested").inner_text() == FIXED
        context.close()
    finally:
        served.stop()


def test_long_draft_grows_the_box_and_the_highlight_layer_stays_aligned(page):
    long_draft = ("亲，您的订单已经发货了，预计明天下午送达。" * 6 + "\n") * 4 + "有问题打我电话13800138000"
    page.fill("#draft", long_draft)
    page.dispatch_event("#draft", "input")
    page.locator('#backdrop mark[data-rule="contact.mobile"]').wait_for()
    sizes = page.evaluate("""() => {
        const d = document.getElementById('draft'), b = document.getElementById('backdrop');
        return {scroll: d.scrollHeight, client: d.clientHeight, draft: d.getBoundingClientRect().toJSON(),
                back: b.getBoundingClientRect().toJSON(), backScroll: b.scrollHeight};
    }""")
    assert sizes["scroll"] <= sizes["client"] + 1  # no scrollbar in the box
    for key in ("x", "y", "width", "height"):
        assert abs(sizes["draft"][key] - sizes["back"][key]) <= 1, key
    assert sizes["backScroll"] <= sizes["back"]["height"] + 2  # the layer's text fits the same box


def test_buyer_turn_and_platform_are_sent_with_the_draft(page):
    page.fill("#buyer", "有QQ吗")
    page.fill("#draft", "有，5738201946")
    page.dispatch_event("#draft", "input")
    page.locator('#backdrop mark[data-rule="contact.qq-on-request"]').wait_for()
    page.fill("#buyer", "")
    page.select_option("#platform", "jd")
    page.fill("#draft", "可以用微信支付的哦")
    page.dispatch_event("#draft", "input")
    page.locator("#status").filter(has_text="未发现问题").wait_for()  # WeChat Pay is JD's own
    page.select_option("#platform", "taobao")
    page.locator('#findings li[data-rule="offplatform.wechat-pay"]').wait_for()


def _served_page(browser, served):
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"http://127.0.0.1:{served.port}/")
    return context, page


def test_a_failed_check_clears_the_old_result_and_says_why_in_chinese(browser, server):
    context, page = _served_page(browser, server)
    try:
        page.fill("#draft", DRAFT)
        page.dispatch_event("#draft", "input")
        page.locator("#backdrop mark").first.wait_for()
        # too long for the service (413)
        page.fill("#draft", "亲" * 40000)
        page.dispatch_event("#draft", "input")
        page.locator("#status").filter(has_text="草稿太长").wait_for()
        assert page.locator("#backdrop mark").count() == 0 and page.locator("#findings li").count() == 0
        assert page.inner_text("#suggested") == "" and page.is_disabled("#copy")
        # the service is gone
        page.fill("#draft", DRAFT)
        page.dispatch_event("#draft", "input")
        page.locator("#backdrop mark").first.wait_for()
        page.route("**/v1/check", lambda route: route.abort())
        page.fill("#draft", DRAFT + "，好的")
        page.dispatch_event("#draft", "input")
        page.locator("#status").filter(has_text="连接不上检查服务").wait_for()
        assert page.locator("#backdrop mark").count() == 0 and page.locator("#findings li").count() == 0
        assert page.inner_text("#suggested") == "" and page.is_disabled("#copy")
    finally:
        context.close()


REWRITE_RULES = """
[[rule]]
id = "shop.secret"
kind = "pattern"
category = "etiquette.banned_phrase"
severity = "error"
points = 5
phrases = ["芝麻开门"]
message = "不得发送内部暗号"
suggestion = "暗号是芝麻开门"
examples.bad = ["芝麻开门"]
examples.good = ["您好"]
"""


def test_a_reply_no_fix_can_clean_shows_needs_rewriting_instead_of_copy(browser, tmp_path):
    rules = tmp_path / "shop.toml"
    rules.write_text(REWRITE_RULES, encoding="utf-8")  # its standard phrase breaks it again
    served = Served("--ruleset", str(rules))
    try:
        context, page = _served_page(browser, served)
        page.fill("#draft", "芝麻开门")  # alone: neither removing it nor its phrase leaves a clean reply
        page.dispatch_event("#draft", "input")
        page.locator("#rewrite").wait_for(state="visible")
        assert "需要人工改写" in page.inner_text("#rewrite")
        assert page.is_hidden("#copy") and page.evaluate("window.kefulint.result.needs_rewrite") is True
        page.fill("#draft", DRAFT)
        page.dispatch_event("#draft", "input")
        page.locator("#suggested").filter(has_text=FIXED).wait_for()
        assert page.is_hidden("#rewrite") and page.is_visible("#copy")
        context.close()
    finally:
        served.stop()
