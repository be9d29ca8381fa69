"""A fix leaves a reply a buyer can read and that lints clean at error, or no fix is offered.

Property: every ``bad`` example of every built-in rule and every violation of the shared dev sets
goes through the fixer, both the suggestion shown to a person (``Result.suggested_text``) and the
safe fix ``lint --fix`` writes; whatever is offered lints again with no finding at ``error``, and
what cannot be made clean is marked ``needs_rewrite`` with nothing offered."""
from __future__ import annotations

import json
from functools import cache

import pytest
from conftest import shared_path
from kefulint import Linter, Settings, Severity, apply_fixes
from kefulint.engine.fixes import CHANNEL_CATEGORIES, spans
from kefulint.rules.schema import builtin_names, load_builtin


@cache
def linter_for(platform: str | None) -> Linter:
    return Linter.from_settings(Settings(platform=platform)) if platform else Linter.default()


def _examples():
    for name in builtin_names():
        for rule in load_builtin(name).rules:
            for i, ex in enumerate(rule.bad):
                if not ex.conversation:  # conversation rules are judged by the scan, not fixed
                    yield pytest.param(ex.text, list(ex.context), None, id=f"{rule.id}-{i}")


def _dev_violations():
    for name in ("dev.jsonl", "dev2.jsonl"):
        path = shared_path("eval", name)
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            if row["labels"]:
                yield row["id"], row["text"], row.get("context") or [], row.get("platform")


def _errors(linter: Linter, text: str, context) -> list[str]:
    return [f.rule for f in linter.check(text, context).findings if f.severity is Severity.ERROR]


def assert_fix_invariant(text: str, context, platform: str | None) -> str:
    """Checks one reply; returns 'fixed', 'rewrite' or 'clean'."""
    linter = linter_for(platform)
    res = linter.check(text, context)
    if not res.findings:
        return "clean"
    # the suggestion shown to a person
    if res.needs_rewrite:
        assert res.edits == () and res.suggested_text == text, text
        assert all(res.fix_for(f) is None for f in res.findings), text
        assert any(f.severity is Severity.ERROR for f in res.findings)
    else:
        assert res.suggested_text == apply_fixes(text, res.edits)
        assert _errors(linter, res.suggested_text, context) == [], (text, res.suggested_text)
        assert res.suggested_text.strip()
    for e in res.edits:
        if e.replacement:  # a standard sentence is written once, with 亲 or without
            said = e.replacement.removeprefix("亲，").rstrip("，。")
            assert res.suggested_text.count(said) == 1, (text, res.suggested_text)
        covered = [f for f in res.findings if e.start <= f.start and f.end <= e.end]
        if any(f.category.startswith(CHANNEL_CATEGORIES) for f in covered):
            # an invitation is never only masked: the clause holding it is gone
            assert "*" not in e.replacement, (text, e)
            assert not any(f.match in res.suggested_text for f in covered), (text, res.suggested_text)
    # the safe fix `lint --fix` writes
    safe = linter.fix_plan(text, res.findings, context, safe_only=True, result=res)
    if safe is None:
        assert any(f.severity is Severity.ERROR for f in res.findings)
    elif safe:
        assert _errors(linter, apply_fixes(text, safe), context) == [], text
    return "rewrite" if res.needs_rewrite else "fixed"


@pytest.mark.parametrize("text, context, platform", list(_examples()))
def test_every_bad_example_is_fixed_clean_or_needs_rewrite(text, context, platform):
    assert assert_fix_invariant(text, context, platform) in ("fixed", "rewrite")


def test_every_dev_set_violation_is_fixed_clean_or_needs_rewrite():
    outcomes = {"fixed": 0, "rewrite": 0, "clean": 0}
    for _id, text, context, platform in _dev_violations():
        outcomes[assert_fix_invariant(text, context, platform)] += 1
    assert outcomes["fixed"] > 10 * outcomes["rewrite"], outcomes  # a fix is the rule, rewriting the exception


def test_a_standard_phrase_replaces_the_clause_not_a_phrase_inside_it():
    res = linter_for(None).check("这个你自己去看详情页，不知道")
    # before: 这个很抱歉给您带来了不便，这个问题我马上帮您处理详情页，不知道
    assert res.suggested_text == "很抱歉给您带来了不便，这个问题我马上帮您处理，不知道"


def test_two_clauses_of_one_standard_sentence_write_it_once():
    linter = linter_for(None)
    # before: 亲，这款的口碑和销量都很不错，您可以参考买家评价，这款的口碑和销量都很不错，您可以参考买家评价，不信您去比
    res = linter.check("全网最低，行业第一，不信您去比")
    assert res.suggested_text == "亲，这款的口碑和销量都很不错，您可以参考买家评价，不信您去比"
    res = linter.check("行业第一，不信您去比，全网最低")
    assert res.suggested_text == "亲，这款的口碑和销量都很不错，您可以参考买家评价，不信您去比"
    # before: 亲，发票只能按实际购买的商品和支付金额开具哦，发票只能按实际购买的商品和支付金额开具哦
    res = linter.check("没问题亲，按200给您开", [{"role": "buyer", "text": "实付是80，发票能写200吗？"}])
    assert res.suggested_text == "亲，发票只能按实际购买的商品和支付金额开具哦"
    # before: 亲，有问题请直接在旺旺上联系我们哦。有问题请直接在旺旺上联系我们哦
    res = linter.check("加我微信 abc_123。电话13800138000")
    assert res.suggested_text == "亲，有问题请直接在旺旺上联系我们哦"


def test_a_repeated_sentence_after_a_question_is_written_once():
    # the question mark went with the first clause's edit; the second clause's own is taken instead
    res = linter_for(None).check("你用过这个产品吗？你到底懂不懂？")
    assert res.suggested_text == "亲，我给您详细介绍一下使用方法"


def test_a_standard_phrase_that_asks_keeps_the_question_mark():
    res = linter_for(None).check("脑子进水了？说了八百遍了还问")
    assert res.suggested_text == "很抱歉给您带来了不便，请问有什么可以帮助您的？可能是我刚才没讲清楚，我再给您说明一下"


def test_a_standard_sentence_the_reply_already_says_is_not_added():
    res = linter_for(None).check("全网最低，这款的口碑和销量都很不错，您可以参考买家评价")
    assert res.suggested_text == "这款的口碑和销量都很不错，您可以参考买家评价"


def test_an_invitation_is_taken_out_not_masked():
    res = linter_for(None).check("加我微信 keke_shop88 发你实拍图")
    assert res.suggested_text == "亲，有问题请直接在旺旺上联系我们哦"
    res = linter_for(None).check("亲，您好！急的话加我微信 keke_shop88，晚上也能回。今天就发货")
    assert res.suggested_text == "亲，您好！有问题请直接在旺旺上联系我们哦。今天就发货"


def test_personal_data_that_is_no_invitation_is_masked_in_place():
    res = linter_for(None).check("身份证 11010519491231002X")
    assert res.suggested_text == "身份证 11**************2X"


def test_clauses_split_at_punctuation_not_inside_numbers_or_links():
    text = "价格3.5元，网址 shop.example.com 看看。好的"
    assert [text[s:e] for s, e in spans(text, "，。")] == ["价格3.5元", "网址 shop.example.com 看看", "好的"]


@pytest.mark.parametrize("rule", [r for name in builtin_names() for r in load_builtin(name).rules],
                         ids=lambda r: r.id)
def test_every_standard_phrase_is_itself_clean(rule):
    linter = linter_for(rule.platforms[0] if rule.platforms else None)
    assert _errors(linter, rule.suggestion, []) == []
