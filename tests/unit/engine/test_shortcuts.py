"""The engine's early exits and the detectors' prefilters only save time: with them off
(``Linter(shortcuts=False)``, every detector on every message) the findings are the same."""
from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from kefulint import Linter

ROOT = Path(__file__).resolve().parents[3]
EVAL = ROOT.parent / "shared" / "eval"

PIECES = [
    "kiki_mom", "jiajia_1203", "abc-123", "A_b", "x1", "lulu2020", "shop_lulu 圈a foxmail 点 com", "1 3 8 0 0 1 3 8 0 0 0",
    "13800138000", "４００-８２０-８８２０", "6222 0212 3456 7890 128", "110101199003074514", "12345", "1234", "QQ",
    "vx", "微信", "加我", "www", ".com", "点cn", "@", "艾特", " at ", "(at)", "dot", "http://", "://", "/", "a.b",
    "亲", "，", "。", "！", "~", " ", "\n", "🌟", "①②③④⑤", "一三八零零一三八零零零", "发票", "付款", "不", "转账",
    "好评", "返现", "私下", "淘宝", "京东", "京豆", "前缀是", "后缀", "163", "的", "ＡＢＣ", "_", "-",
]
CONTEXTS = [[], ["有微信吗？方便发视频"], ["你们电话多少"], ["能加个QQ吗"], ["可以开发票吗"], ["在吗"]]


def _pairs(linters_on, linters_off, items):
    for text, context, platform in items:
        on, off = linters_on(platform), linters_off(platform)
        got_on = [(f.rule, f.start, f.end) for f in on.check(text, context).findings]
        got_off = [(f.rule, f.start, f.end) for f in off.check(text, context).findings]
        yield text, context, got_on, got_off


@pytest.fixture(scope="module")
def linters():

    base = Linter.default()
    made: dict = {}

    def get(platform, shortcuts):
        key = (platform, shortcuts)
        if key not in made:
            settings = base.settings if platform is None else base.settings._replace(platform=platform)
            made[key] = Linter(base.rules, settings, shortcuts=shortcuts)
        return made[key]

    return lambda p: get(p, True), lambda p: get(p, False)


def _examples():
    for rule in Linter.default().rules:
        for ex in (*rule.bad, *rule.good):
            yield ex.text, list(ex.context), None


def _labelled():
    paths = [ROOT / "tests" / "data" / "extra_labelled.jsonl"]
    paths += [EVAL / n for n in ("dev.jsonl", "dev2.jsonl", "dev3_long.jsonl") if (EVAL / n).exists()]
    for path in paths:
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    o = json.loads(line)
                    yield o["text"], o.get("context") or [], o.get("platform")


def _generated(n=3000, seed=14):
    rng = random.Random(seed)
    examples = [t for t, _c, _p in _examples()]
    for _ in range(n):
        parts = [rng.choice(PIECES) for _ in range(rng.randint(1, 6))]
        if rng.random() < 0.3:
            parts.insert(rng.randrange(len(parts) + 1), rng.choice(examples))
        yield "".join(parts), rng.choice(CONTEXTS), rng.choice([None, None, "jd"])


@pytest.mark.parametrize("source", ["examples", "labelled", "generated"])
def test_same_findings_with_shortcuts_off(linters, source):
    items = {"examples": _examples, "labelled": _labelled, "generated": _generated}[source]()
    differ = [(t, c, on, off) for t, c, on, off in _pairs(*linters, items) if on != off]
    assert not differ, differ[:5]


def test_bare_id_is_found_without_digits():
    """The gate of bare_id comes from its own prefilter: an id of letters and "_" passes it (issue 12)."""
    linter = Linter.default()
    context = ["有微信吗？方便发视频"]
    for reply in ("有的，kiki_mom", "有的，jiajia_1203"):
        assert [f.category for f in linter.check(reply, context=context).findings] == ["contact.wechat"], reply



def test_compact_prefilters_pass_every_bad_example():
    """A keyword detector's prefilter on the compact text puts its rule back to sleep: it must
    match every bad example of every rule that uses the detector (issue 14)."""
    from kefulint.detectors import DETECTORS
    from kefulint.text.normalize import Normalized

    screened = 0
    for rule in Linter.default().rules:
        det = DETECTORS.get(rule.detector or "")
        if det is None or not det.compact_prefilter:
            continue
        screen = det.compiled_options(rule.options)[det.compact_prefilter]
        for ex in rule.bad:
            assert screen.search(Normalized(ex.text).compact) is not None, (rule.id, ex.text)
            screened += 1
    assert screened


@pytest.mark.parametrize(("text", "rules"), [
    ("亲，今天下午3点前付款当天发货哦。", []),  # 付款 wakes a frame that needs a link: none here
    ("付款链接 http://shop-vip.com/13f1a0", ["offplatform.link", "offplatform.pay-link"]),  # a detector finds the link
    ("亲，满99元包邮的哦。", []),  # 包邮 without a fee
    ("亲，发票会随货一起寄出的。", []),  # 发票 without a paid amount
    ("实付860，发票金额给您开1200", ["invoice.amount-over-paid"]),
])
def test_rules_put_back_to_sleep_find_what_they_would(linters, text, rules):
    """Frames that lack a slot's words or the findings of a rule awake, and keyword detectors whose
    compact prefilter fails, sleep: the findings are those with every rule judged (issue 14)."""
    on, off = (get(None) for get in linters)
    found = sorted({f.rule for f in on.check(text).findings})
    assert found == sorted({f.rule for f in off.check(text).findings})
    assert set(rules) <= set(found), found


def test_a_starved_frame_wakes_when_a_detector_finds_what_it_needs():
    linter = Linter.default()
    ri = next(i for i, r in enumerate(linter.rules) if r.id == "offplatform.pay-link")
    link = next(i for i, r in enumerate(linter.rules) if r.id == "offplatform.link")
    assert linter._starved({ri}, set()) == {ri}
    assert linter._starved({ri, link}, set()) == set()
    assert linter._starved({ri, link}, {link}) == {ri}  # a rule asleep feeds nothing


@pytest.mark.parametrize(("text", "platform", "pieces"), [
    ("京东自营的哦", "jd", False),  # a platform cue and nothing else
    ("邮箱后缀是163的", "taobao", True),  # a cue that a contact detail may be written in pieces
    ("亲，这个订单地址改好了", "taobao", False),  # hits, none of them a cue
])
def test_the_platform_and_pieces_of_a_message_without_findings(linters, text, platform, pieces):
    on, off = (get(None) for get in linters)
    for linter in (on, off):
        assert linter._plain_candidates(text, None, False)[1:] == (pieces, platform)
        assert linter.check(text).platform == platform


@pytest.mark.parametrize(("text", "idle"), [
    ("亲，在的", True),  # no digit, no character of a prefilter
    ("预计3天后补货", True),  # too few digits, no character of a prefilter
    ("banana 3", True),  # a character of a prefilter (a), no prefilter
    ("邮箱 abc@qq", False),
    ("官网 shop.com", False),
    ("1380013800", False),  # enough digits
])
def test_prefilters_searched_only_when_one_of_their_characters_is_there(text, idle):
    from kefulint.text.normalize import Normalized

    gates = Linter.default()._gates_plain
    assert gates.idle(Normalized(text)) is idle


def test_explain_lists_a_frame_asleep_that_its_context_skips():
    """Frames put back to sleep are still listed by explain when skipped for platform or context."""
    linter = Linter.default()
    other = next(r for r in linter.rules if r.id == "tmall.other-person-on-request")
    skipped = {s["rule"] for s in linter.explain("问题不大", [other.context.buyer[0]])["skipped"]}
    assert {"contact.wechat-confirm", "contact.phone-confirm"} <= skipped


@pytest.mark.parametrize("text", ["亲，在的", "banana 3", "邮箱 abc@qq", "官网 shop.com", "点评一下", "1380013800", ""])
def test_prefilter_characters_looked_for_one_by_one_or_as_a_class_alike(text, monkeypatch):
    from kefulint.engine import gates as gates_module
    from kefulint.engine.gates import DetectorGates
    from kefulint.text.normalize import Normalized

    linter = Linter.default()
    data = DetectorGates.build(linter.rules, sorted(linter._gates_plain.rules))
    monkeypatch.setattr(gates_module, "_LOOK_IN", len(data["look"]))
    one_by_one = DetectorGates.from_data(data)
    monkeypatch.setattr(gates_module, "_LOOK_IN", 0)
    as_class = DetectorGates.from_data(data)
    assert one_by_one.look_in and one_by_one.look is None
    assert as_class.look is not None and not as_class.look_in
    assert one_by_one.idle(Normalized(text)) is as_class.idle(Normalized(text))


@pytest.mark.parametrize("text", [
    "您的订单已经发出了哦", "订单上写的是王芳，手机是她的", "收件人是客户林佳怡，地址没错的", "下单的是那个李桂香吗",
    "订单里的地址是黄色大楼", "这个订单是张先生下的，手机尾号8899",
])
def test_a_screened_keyword_rule_finds_what_it_finds_unscreened(text):
    # the prefilter of a keyword detector puts its woken rule back to sleep (Matching._plain_candidates)
    on, off = Linter.default(), Linter(Linter.default().rules, shortcuts=False)
    assert [(f.rule, f.start, f.end) for f in on.check(text).findings] == \
        [(f.rule, f.start, f.end) for f in off.check(text).findings]
