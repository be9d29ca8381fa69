"""The Python API as an agent uses it: load once, check many. (From threads and process pools, and
samples/llm_guard.py as a script: tests/system/test_api_processes.py.)"""
from __future__ import annotations

import importlib.resources
import logging
import pickle
import sys
from pathlib import Path

import pytest
from conftest import API_CONTEXT, API_REPLIES, snapshot
from kefulint import Linter, Result, Settings, Severity, apply_fixes
from kefulint.errors import ConfigError
from kefulint.text.roles import UnknownRole

ROOT = Path(__file__).resolve().parents[3]


def test_check_returns_typed_result(linter):
    res = linter.check("亲，加我微信 abc_123 详聊")
    assert isinstance(res, Result)
    assert res.blocked and res.points == sum(f.points for f in res.findings)
    assert all(f.severity in Severity for f in res.findings)


def test_repr_masks_personal_data_and_nothing_else_changes(linter):
    """Logging a result or a finding (``log.info("%r", result)``) does not leak what it caught; the
    fields, equality, pickling, _asdict and to_dict are what they were."""
    from kefulint.templates.lint import FileFinding

    text = "亲，有事打我电话13800138000，身份证11010519491231002X，加我微信 abc_12345"
    res = linter.check(text, context=["怎么联系你们"])
    assert {f.match for f in res.findings if f.sensitive} == {"13800138000", "11010519491231002X", "abc_12345"}
    shown = repr(res)
    for raw in ("13800138000", "11010519491231002", "abc_12345"):
        assert raw not in shown
        assert all(raw not in repr(f) for f in res.findings)
    assert "text='亲，有事打我电话138****8000，身份证11**************2X，加我微信 ab*_***45'" in shown
    mobile = next(f for f in res.findings if f.rule == "contact.mobile")
    assert "match='138****8000'" in repr(mobile) and repr(mobile).startswith("Finding(rule='contact.mobile', ")
    assert mobile.match == "13800138000" and mobile._asdict()["match"] == "13800138000"
    assert res.text == text and res._asdict()["text"] == text
    assert pickle.loads(pickle.dumps(res)) == res and pickle.loads(pickle.dumps(mobile)) == mobile
    assert res.to_dict(show_matches=True)["findings"][0]["match"] == res.findings[0].match
    assert mobile == mobile._replace() and tuple(mobile)[10] == "13800138000"
    plain = linter.check("绝对是全网最低价")  # no personal data: the repr shows the text as it is
    assert "text='绝对是全网最低价'" in repr(plain) and all(f"match='{f.match}'" in repr(f) for f in plain.findings)
    placed = FileFinding("a.txt", 1, 9, 1, 20, mobile.rule, mobile.category, mobile.severity, mobile.points,
                         mobile.message, mobile.suggestion, mobile.match, sensitive=True)
    assert "match='138****8000'" in repr(placed) and placed.match == "13800138000"


def test_a_norm_the_caller_made_gives_the_same_result(linter):
    """check(text, norm=Normalized(text)) (the scan normalizes once for its greeting and farewell
    checks too) returns what check(text) returns, on every rule example and the API replies."""
    from kefulint.text.normalize import Normalized

    cases = [(ex.text, ex.context or None) for rule in linter.rules for ex in (*rule.bad, *rule.good)
             if isinstance(ex.text, str)]
    cases += [(t, API_CONTEXT.get(t)) for t in API_REPLIES]
    for text, context in cases:
        given = linter.check(text, context, norm=Normalized(text))
        assert given.to_dict(show_matches=True) == linter.check(text, context).to_dict(show_matches=True), text


def test_context_rules_see_buyer_turns_only(linter):
    assert linter.check("有，5738201946", context=["有QQ吗"]).findings
    assert not linter.check("有，5738201946", context=[{"role": "agent", "text": "有QQ吗"}]).findings


@pytest.mark.parametrize("role", ["顾客", "client", "false", "Customer ", "0"])
def test_every_buyer_role_gives_context(linter, role):
    """The engine once knew fewer buyer roles than the chat-log reader: a 顾客 turn was dropped."""
    res = linter.check("有，5738201946", context=[{"role": role, "text": "有QQ吗"}])
    assert [f.category for f in res.findings] == ["contact.qq"]


def test_unknown_context_role_is_an_error(linter):
    with pytest.raises(UnknownRole, match="unknown role 'robot'"):
        linter.check("有，5738201946", context=[{"role": "robot", "text": "有QQ吗"}])


def test_linters_with_different_settings_do_not_share_state(linter):
    default = linter
    jd = Linter.from_settings(Settings(platform="jd", disable=("contact",)))
    text = "有事打我电话13800138000"
    assert default.check(text).findings
    assert not jd.check(text).findings
    assert default.check(text).findings  # building jd changed nothing global


def test_pickle_round_trip_gives_same_results():
    linter = Linter.from_settings(Settings(disable=("adlaw",), allow_numbers=("4008123123",)))
    data = pickle.dumps(linter)
    copy = pickle.loads(data)
    assert copy.settings == linter.settings
    assert snapshot(copy) == snapshot(linter)


def test_from_settings_disable_and_severity():
    linter = Linter.from_settings(Settings(severity={"contact.mobile": "warning"}))
    res = linter.check("有事打我电话13800138000")
    assert [f.severity for f in res.findings] == [Severity.WARNING]
    assert not res.blocked


def test_from_config_reads_the_file(linter, tmp_path):
    cfg = tmp_path / "kefulint.toml"
    cfg.write_text('disable = ["etiquette"]\nallow-numbers = ["13800138000"]\n', encoding="utf-8")
    configured = Linter.from_config(cfg)
    assert not configured.check("你问我，我问谁？").findings
    assert not configured.check("有事打我电话13800138000").findings
    assert linter.check("你问我，我问谁？").findings
    # keyword overrides win over the file
    overridden = Linter.from_config(cfg, disable=())
    assert overridden.check("你问我，我问谁？").findings


def test_from_config_reports_bad_config(tmp_path):
    cfg = tmp_path / "kefulint.toml"
    cfg.write_text('disabel = ["etiquette"]\n', encoding="utf-8")
    with pytest.raises(ConfigError) as exc:
        Linter.from_config(cfg)
    assert "disabel" in "\n".join(exc.value.errors)


@pytest.mark.parametrize("fail_on, blocked", [(Severity.ERROR, False), (Severity.WARNING, True), (Severity.INFO, True)])
def test_blocked_follows_fail_on(fail_on, blocked):
    linter = Linter.from_settings(Settings(fail_on=fail_on))
    res = linter.check("有问题加我微信吧")  # contact.wechat-invite is a warning
    assert res.findings and max(f.severity for f in res.findings) == Severity.WARNING
    assert res.blocked is blocked


def test_clean_reply_is_not_blocked_and_unchanged(linter):
    res = linter.check("亲，您好，请问有什么可以帮您？")
    assert res.findings == () and not res.blocked and res.points == 0
    assert res.suggested_text == res.text


def test_suggested_text_rewrites_clauses_and_is_clean(linter):
    text = "你问我，我问谁？加我微信 abc_123，电话13800138000"
    res = linter.check(text)
    assert {f.rule for f in res.findings} >= {"etiquette.ask-me-ask-who", "contact.wechat-id", "contact.mobile"}
    assert all(res.fix_for(f) is not None for f in res.findings) and not res.needs_rewrite
    assert res.suggested_text == apply_fixes(text, res.edits)
    # the banned phrase's clause takes the standard phrase; the invitation's sentence goes whole
    assert res.suggested_text == "亲，这个问题我马上帮您核实，请您稍等片刻。有问题请直接在旺旺上联系我们哦"
    assert "13800138000" not in res.suggested_text and "abc_123" not in res.suggested_text
    assert not [f for f in linter.check(res.suggested_text).findings if f.severity is Severity.ERROR]


def test_an_error_no_safe_fix_covers_is_rewritten_when_suggested(linter):
    res = linter.check("这个价格全网最低，不信您去比")
    assert res.findings and not res.needs_rewrite
    assert res.suggested_text == "亲，这款的口碑和销量都很不错，您可以参考买家评价，不信您去比"


def test_no_fix_is_offered_when_none_leaves_the_reply_clean(linter):
    # a rule whose every standard phrase trips the rule again: nothing can be offered
    from dataclasses import replace

    rules = [replace(r, suggestion="加我微信 abc_123456") if r.id == "etiquette.ask-me-ask-who" else r
             for r in linter.rules]
    res = Linter(rules, linter.settings).check("你问我，我问谁？")
    assert res.needs_rewrite and res.edits == () and res.suggested_text == res.text
    assert all(res.fix_for(f) is None for f in res.findings)
    assert res.to_dict()["needs_rewrite"] is True
    assert res.to_dict()["findings"][0]["needs_rewrite"] is True


def test_package_is_typed():
    assert importlib.resources.files("kefulint").joinpath("py.typed").is_file()


def test_llm_guard_as_a_library(linter, caplog):
    sys.path.insert(0, str(ROOT / "samples"))
    try:
        import llm_guard
    finally:
        sys.path.remove(str(ROOT / "samples"))
    drafts = iter(["有事打我电话13800138000", "亲，您好，请问有什么可以帮您？"])
    guard = llm_guard.ReplyGuard(lambda turns, feedback: next(drafts), linter=linter)
    with caplog.at_level(logging.WARNING, logger="kefulint.guard"):
        decision = guard(["怎么联系你"])
    assert decision.action == "retry-send"
    assert decision.text == "亲，您好，请问有什么可以帮您？"
    assert "138****8000" in caplog.text and "13800138000" not in caplog.text
