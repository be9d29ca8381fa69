"""Conversations judged as a whole: context from buyer turns, response times, greeting and
farewell, fatal marks, grouping with bounded memory."""
from __future__ import annotations

import re

import pytest
from kefulint import Linter, RulesetError, Settings
from kefulint.scan.config import parse_scan_section
from kefulint.scan.judge import ConversationJudge, group_conversations
from kefulint.scan.readers import Message, Skip, parse_time
from kefulint.scan.service_phrases import CLOSER_FRAMES, OPENER_FRAMES, intent_patterns
from kefulint.scan.service_rules import ServiceSettings
from kefulint.text.normalize import Normalized, fold_phrase

LINTER = Linter.default()
JUDGE = ConversationJudge(LINTER)


def msgs(*turns, conv="c1", start="2024-11-11 10:00:00"):
    """turns: (role, text[, seconds after start][, agent])"""
    t0 = parse_time(start)
    out = []
    for i, turn in enumerate(turns, start=1):
        role, text = turn[0], turn[1]
        at = t0 + turn[2] if len(turn) > 2 and turn[2] is not None else None
        agent = turn[3] if len(turn) > 3 else ("小美" if role == "agent" else "")
        out.append(Message("log", i, conv, role, agent, at, text))
    return out


def rules_of(judged, turn=None):
    return [f.rule for t in judged.turns if turn is None or t.turn == turn for f in t.findings]


CONTEXT_EXAMPLES = [
    (rule.id, ex) for rule in LINTER.rules for ex in (*rule.bad, *rule.good) if ex.context
]


@pytest.mark.parametrize("rule_id, example", CONTEXT_EXAMPLES, ids=[f"{r}:{e.text[:12]}" for r, e in CONTEXT_EXAMPLES])
def test_scan_agrees_with_check_on_context_examples(rule_id, example):
    """The same buyer turns give the same content findings in scan as in Linter.check."""
    conversation = [("buyer", c) for c in example.context] + [("agent", example.text)]
    judged = ConversationJudge(LINTER, ServiceSettings(disable=("service",))).judge(msgs(*conversation))
    expected = [(f.rule, f.start, f.end) for f in LINTER.check(example.text, context=list(example.context)).findings]
    got = [(f.rule, f.start, f.end) for t in judged.turns for f in t.findings]
    assert got == expected


def test_context_examples_exist_for_the_three_kinds():
    categories = {LINTER.rules[[r.id for r in LINTER.rules].index(rid)].category for rid, _ in CONTEXT_EXAMPLES}
    assert {"invoice.fraud", "privacy.third_party"} <= categories
    assert any(c.startswith("contact.") for c in categories)


def test_invoice_agreement_needs_the_buyer_request():
    quiet = ServiceSettings(disable=("service",))
    judge = ConversationJudge(LINTER, quiet)
    asked = judge.judge(msgs(("buyer", "实付是80，发票能写200吗？"), ("agent", "没问题亲，按200给您开")))
    assert "invoice.fraud" in {f.category for t in asked.turns for f in t.findings}
    plain = judge.judge(msgs(("buyer", "什么时候发货"), ("agent", "没问题亲，按200给您开")))
    assert "invoice.fraud" not in {f.category for t in plain.turns for f in t.findings}


def test_context_reaches_past_an_intervening_agent_turn():
    judge = ConversationJudge(LINTER, ServiceSettings(disable=("service",)))
    judged = judge.judge(msgs(("buyer", "有微信吗？方便发视频"), ("agent", "稍等"), ("agent", "有的，jiajia_1203")))
    assert [t.turn for t in judged.turns] == [3]
    assert {f.category for f in judged.turns[0].findings} == {"contact.wechat"}


def test_response_times_first_and_reply():
    judged = JUDGE.judge(msgs(
        ("buyer", "在吗", 0), ("agent", "您好，欢迎光临", 5),  # first response 5 s > 3 s
        ("buyer", "有货吗", 10), ("buyer", "急", 20), ("agent", "有的", 100),  # 90 s after the first unanswered
        ("buyer", "好", 110), ("agent", "感谢您的咨询，祝您购物愉快", 111),
    ))
    timing = {(t.turn, f.rule): (f.message, t.seconds) for t in judged.turns for f in t.findings}
    assert timing == {
        (2, "service.first-response"): ("首次响应用时 5 秒，超过规定的 3 秒", 5.0),
        (5, "service.reply-time"): ("回复用时 90 秒，超过规定的 60 秒", 90.0),
    }
    assert judged.timing == {"小美": (3, 2, 96.0, 90.0)}


def test_thresholds_come_from_settings():
    judge = ConversationJudge(LINTER, ServiceSettings(first_response_seconds=10, reply_seconds=100))
    judged = judge.judge(msgs(("buyer", "在吗", 0), ("agent", "您好", 5), ("buyer", "x", 10),
                              ("agent", "感谢您的咨询", 100)))
    assert rules_of(judged) == []


def test_no_timestamps_no_timing_findings():
    judged = JUDGE.judge(msgs(("buyer", "在吗"), ("agent", "您好"), ("agent", "祝您购物愉快")))
    assert rules_of(judged) == [] and judged.timing == {}


def test_greeting_and_farewell():
    judged = JUDGE.judge(msgs(("buyer", "在吗"), ("agent", "稍等"), ("agent", "好的"), ("agent", "嗯")))
    assert rules_of(judged, 2) == ["service.greeting"]
    assert rules_of(judged, 4) == ["service.farewell"]
    one = JUDGE.judge(msgs(("buyer", "在吗"), ("agent", "稍等")))
    assert rules_of(one, 2) == ["service.greeting", "service.farewell"]
    folded = JUDGE.judge(msgs(("agent", "您 好！歡迎光臨"), ("agent", "感謝您的諮詢")))  # traditional, spaced
    assert rules_of(folded) == []
    f = one.turns[0].findings[0]
    assert (f.severity.value, f.points, f.message) == ("info", 1, "会话开始时缺少欢迎语")


@pytest.mark.parametrize("opener", [
    "有什么问题我可以帮您处理或解决呢?",  # JD's standard opening line
    "亲，请问有什么可以帮您?", "亲爱的，小妹在的哦，很高兴为您服务哟", "尊敬的商家朋友，请问有什么可以帮到您呢?",
    "请问您是咨询之前的问题还是有其他的问题需要处理呢?", "您好，欢迎光临本店～", "hi 亲，在的",
])
@pytest.mark.parametrize("closer", [
    "请问还有其他还可以帮到您的吗?",  # JD's standard closing line
    "感谢您对京东的支持，祝您生活愉快，再见!", "还辛苦您给小妹打个评价呢~点击表情栏旁边的“+”哦。",
    "如果您还有问题可以随时提问哦，我一直都在", "不客气，这是我们应该做的~", "祝您购物愉快",
])
def test_openings_and_closings_are_recognised_by_intent(opener, closer):
    judged = JUDGE.judge(msgs(("buyer", "在吗"), ("agent", opener), ("buyer", "好的谢谢"), ("agent", closer)))
    assert rules_of(judged) == []


@pytest.mark.parametrize("reply", ["好的", "稍等，正在为您查询~", "您的订单明天送达", "是的亲", "可以的"])
def test_ordinary_replies_are_neither(reply):
    judged = JUDGE.judge(msgs(("buyer", "在吗"), ("agent", reply)))
    assert rules_of(judged) == ["service.greeting", "service.farewell"]


def test_the_greeting_may_come_second_and_each_is_reported_once_per_conversation():
    judged = JUDGE.judge(msgs(("agent", "稍等"), ("agent", "您好，有什么可以帮您"), *[("agent", "好的")] * 6))
    assert rules_of(judged) == ["service.farewell"]
    many = JUDGE.judge(msgs(*[("buyer", "在吗"), ("agent", "好的")] * 8))
    assert rules_of(many) == ["service.greeting", "service.farewell"]


def test_greeting_and_farewell_decide_as_when_the_edge_turns_were_normalized_again():
    """The judge reads the compact forms Linter.check made; what it decides equals normalizing the
    first and last two agent turns anew (the code before), on the JD agent replies grouped into
    conversations of one to four agent turns (folded, spaced, with or without an opening or close)."""
    import itertools
    import json

    from conftest import shared_path

    with open(shared_path("data", "jddc_agent_utterances", "agent_utterances.jsonl"), encoding="utf-8") as fh:
        replies = [json.loads(line)["text"] for line in itertools.islice(fh, 4000) if line.strip()]
    replies += ["您 好！歡迎光臨", "感謝您的諮詢", "ｈｉ 亲，在的", "再　見"]

    def says(texts, patterns):
        return any(p.search(Normalized(t).compact) for t in texts for p in patterns)

    sizes = itertools.cycle((1, 2, 3, 4))
    start = 0
    while start < len(replies):
        texts = replies[start : start + next(sizes)]
        start += len(texts)
        found = rules_of(JUDGE.judge(msgs(*[turn for t in texts for turn in (("buyer", "在吗"), ("agent", t))])))
        expected = (not says(texts[:2], JUDGE._opener), not says(texts[-2:], JUDGE._closer))
        assert ("service.greeting" in found, "service.farewell" in found) == expected, texts


def test_configured_phrases_count_besides_the_vocabulary():
    judge = ConversationJudge(LINTER, ServiceSettings(greeting=("木木家居小助手",), farewell=("木木家居祝您",)))
    assert rules_of(judge.judge(msgs(("agent", "木木家居小助手为您解答"), ("agent", "木木家居祝您顺心")))) == []


def test_a_finding_carries_the_buyer_turn_it_answered():
    judged = JUDGE.judge(msgs(("buyer", "有QQ吗"), ("agent", "有，5738201946")))
    assert judged.turns[0].buyer == "有QQ吗"


def test_service_rules_overrides_and_disable():
    judge = ConversationJudge(LINTER, ServiceSettings(severity={"service.greeting": "warning"},
                                                      points={"service.farewell": 0}))
    judged = judge.judge(msgs(("agent", "好的")))
    found = {f.rule: (f.severity.value, f.points) for t in judged.turns for f in t.findings}
    assert found == {"service.greeting": ("warning", 1), "service.farewell": ("info", 0)}
    off = ConversationJudge(Linter.from_settings(Settings(disable=("service.greeting",))))
    assert rules_of(off.judge(msgs(("agent", "好的")))) == ["service.farewell"]


def test_top_level_severity_and_points_reach_the_conversation_rules():
    """While the service rules were Python, a top-level severity/points for them was accepted and ignored."""
    linter = Linter.from_settings(Settings(severity={"service.greeting": "warning"}, points={"service.farewell": 0}))
    judged = ConversationJudge(linter).judge(msgs(("agent", "有的")))
    found = {f.rule: (f.severity.value, f.points) for t in judged.turns for f in t.findings}
    assert found == {"service.greeting": ("warning", 1), "service.farewell": ("info", 0)}
    assert not rules_of(ConversationJudge(Linter.from_settings(Settings(disable=("service",)))).judge(msgs(("agent", "在的"))))


def test_scan_service_table_is_an_alias_for_one_release():
    config = parse_scan_section({"service": {"reply_seconds": 600, "greeting": ["在的"],
                                             "severity": {"service.farewell": "error"}}}, "kefulint.toml: [scan]")
    assert config.warnings[0].startswith("kefulint.toml: [scan]: 'scan.service' is deprecated: gone in the next release")
    judged = ConversationJudge(LINTER, config.service).judge(msgs(
        ("buyer", "在吗", 0), ("agent", "在的", 1), ("buyer", "有货吗", 10), ("agent", "有的", 500)))
    assert [(f.rule, f.severity.value) for t in judged.turns for f in t.findings] == [("service.farewell", "error")]
    assert not parse_scan_section({}).warnings


def test_timing_limits_come_from_the_rules(tmp_path):
    own = tmp_path / "shop.toml"
    own.write_text('''[[rule]]
id = "shop.slow-reply"
kind = "conversation"
check = "reply-time"
seconds = 5
category = "service.reply_time"
severity = "error"
points = 3
message = "回复用时 {seconds} 秒 > {limit}"
suggestion = "快点"
examples.bad = [{ conversation = [{ buyer = "在吗", at = 0 }, { agent = "您好", at = 1 }, { buyer = "x", at = 2 }, { agent = "感谢您的咨询", at = 9 }] }]
examples.good = [{ conversation = [{ buyer = "在吗", at = 0 }, { agent = "您好", at = 1 }] }]
''', encoding="utf-8")
    linter = Linter.from_settings(Settings(extra_rulesets=(str(own),), disable=("service.reply-time",)))
    judged = ConversationJudge(linter).judge(msgs(("buyer", "在吗", 0), ("agent", "您好", 1), ("buyer", "x", 2),
                                                  ("agent", "感谢您的咨询", 9)))
    assert [(f.rule, f.message, f.points) for t in judged.turns for f in t.findings] == [
        ("shop.slow-reply", "回复用时 7 秒 > 5", 3)]
    with pytest.raises(RulesetError, match="check 'reply-time' is already judged by rule service.reply-time"):
        Linter.from_settings(Settings(extra_rulesets=(str(own),)))


def test_parts_of_split_conversations_skip_greeting_and_farewell():
    judged = JUDGE.judge(msgs(("agent", "好的")), whole=False)
    assert rules_of(judged) == []


def test_fatal_finding_is_marked():
    judged = JUDGE.judge(msgs(("agent", "您好，有事打我电话13800138000，感谢您的咨询")))
    fatal = [f for t in judged.turns for f in t.findings if f.fatal]
    assert [f.category for f in fatal] == ["contact.phone"]


def test_agent_turns_counted_per_agent_and_only_turns_with_findings_kept():
    judged = JUDGE.judge(msgs(("agent", "您好", None, "A"), ("buyer", "x"), ("agent", "感谢您的咨询", None, "B")))
    assert judged.agent_turns == {"A": 1, "B": 1} and judged.buyer_turns == 1
    assert judged.turns == ()


def test_grouping_interleaved_and_bounded():
    a = msgs(("buyer", "1"), ("agent", "2"), conv="a")
    b = msgs(("buyer", "3"), ("agent", "4"), conv="b")
    skip = Skip("log", 9, "bad")
    items = [a[0], b[0], skip, a[1], b[1]]
    out = list(group_conversations(items))
    assert out[0] == skip
    assert [(c.id, [m.text for m in c.messages], c.whole) for c in out[1:]] == [
        ("a", ["1", "2"], True), ("b", ["3", "4"], True)]
    # only one conversation open at a time: a is closed when b opens, and reopens as a new one
    bounded = [(c.id, len(c.messages)) for c in group_conversations(items, max_open=1) if not isinstance(c, Skip)]
    assert bounded == [("a", 1), ("b", 1), ("a", 1), ("b", 1)]
    long = [(c.id, len(c.messages), c.whole) for c in group_conversations(a * 3, max_messages=4)]
    assert long == [("a", 4, False), ("a", 2, False)]


def test_intent_patterns_find_what_one_pattern_of_words_and_frames_finds():
    """The greeting's and the farewell's words and frames, searched as two patterns, say what one
    alternation of both says, on every rule example and on turns made to hit or just miss a frame."""
    texts = [ex.text for rule in LINTER.rules for ex in (*rule.bad, *rule.good)]
    texts += ["您好", "亲，请问有什么问题我可以帮您处理或解决呢", "有什么需要一二三四五六七八九十帮您", "描述一下问题",
              "描述一二三四五问题", "请问还有其他还可以帮到您的吗", "还有一二三四五六七八九十一问题", "有问题随时联系",
              "其他问题吗", "有需要再联系", "", "。", "hi", "HELLO", "拜拜～", "谢谢亲"]
    for check, frames in (("greeting", OPENER_FRAMES), ("farewell", CLOSER_FRAMES)):
        words = [w for w in (fold_phrase(p) for p in JUDGE._expected(check)) if w]
        assert words
        union = re.compile("|".join([re.escape(w) for w in sorted(set(words), key=len, reverse=True)] + list(frames)))
        patterns = intent_patterns(words, frames)
        assert len(patterns) == 2
        said = 0
        for text in texts:
            form = Normalized(text).compact
            found = any(p.search(form) for p in patterns)
            assert found == (union.search(form) is not None), (check, text)
            said += found
        assert 10 < said < len(texts)
    assert [p.pattern for p in intent_patterns([], [])] == [""]  # nothing to find: as "" did, every turn says it
