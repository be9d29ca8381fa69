"""One conversation judged as a whole: every agent turn linted with the buyer turns before it
as context, plus the service rules that need the whole conversation (response times from
timestamps, a greeting at the start, a polite close at the end).

Service findings are ordinary :class:`Finding` objects (span 0..0, the measured seconds in the
message) so that every report treats them like any other finding.
"""
from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from ..engine import Linter
from ..finding import Finding, Severity
from ..model.findings import PREFIX as MODEL_PREFIX
from ..text.normalize import Normalized, fold_phrase
from .readers import Message

CONTEXT_TURNS = 10  # buyer turns kept for context rules (a rule uses at most its own ``turns``)


@dataclass(frozen=True)
class ServiceRule:
    id: str
    category: str
    severity: Severity
    points: int
    message: str
    suggestion: str


@dataclass(frozen=True)
class ServiceSettings:
    """Thresholds and phrases of the service rules; from the ``[scan.service]`` config table."""

    first_response_seconds: float = 3.0  # 店铺规范：首次响应 3 秒内
    reply_seconds: float = 60.0
    greeting: tuple[str, ...] = ("您好", "你好", "欢迎光临", "欢迎来到", "很高兴为您服务")
    farewell: tuple[str, ...] = ("感谢您的咨询", "祝您购物愉快", "欢迎下次光临", "感谢您的支持", "感谢您的耐心",
                                 "祝您生活愉快", "再见")
    severity: dict[str, str] = field(default_factory=dict)  # rule id or category -> severity
    points: dict[str, int] = field(default_factory=dict)
    disable: tuple[str, ...] = ()  # rule ids or categories (or "service")

    def rules(self) -> dict[str, ServiceRule]:
        base = [
            ("service.first-response", "service.first_response", Severity.WARNING, 2,
             "首次响应用时 {seconds} 秒，超过规定的 {limit} 秒", "买家进线后请在 {limit} 秒内首次响应（可设置自动欢迎语）"),
            ("service.reply-time", "service.reply_time", Severity.WARNING, 1,
             "回复用时 {seconds} 秒，超过规定的 {limit} 秒", "请及时回复买家，需要查询时先告知买家稍等"),
            ("service.greeting", "service.greeting", Severity.INFO, 1,
             "会话开始时缺少欢迎语", "您好，欢迎光临本店，很高兴为您服务~"),
            ("service.farewell", "service.farewell", Severity.INFO, 1,
             "会话结束时缺少结束语", "感谢您的咨询，祝您购物愉快~"),
        ]
        out = {}
        for rid, cat, sev, pts, msg, sug in base:
            if {rid, cat, "service"} & set(self.disable):
                continue
            sev_name = self.severity.get(rid, self.severity.get(cat))
            out[rid] = ServiceRule(rid, cat, Severity(sev_name) if sev_name else sev,
                                   self.points.get(rid, self.points.get(cat, pts)), msg, sug)
        return out


class Turn(NamedTuple):
    """An agent turn with findings (turns without findings are only counted)."""

    message: Message
    turn: int  # 1-based position in the conversation (buyer turns count too)
    findings: tuple[Finding, ...]
    seconds: float | None  # response delay measured for this turn, if any


class Judged(NamedTuple):
    conversation: str
    source: str
    first_line: int
    start_time: float | None
    agent_turns: dict[str, int]  # agent -> turns linted
    buyer_turns: int
    turns: tuple[Turn, ...]
    # agent -> (measured delays, delays over limit, total seconds, max seconds)
    timing: dict[str, tuple[int, int, float, float]]
    # agent turns the rules did not flag but the review model did (its findings are never
    # counted as the scan's findings): (turn, message, category, probability, heaviest n-grams)
    review: tuple[tuple[int, Message, str, float, tuple[tuple[str, float], ...]], ...] = ()


def _fmt_seconds(value: float) -> str:
    return f"{value:.0f}" if value == int(value) else f"{value:.1f}"


class ConversationJudge:
    """Judges whole conversations with one compiled :class:`Linter`. Immutable; picklable."""

    def __init__(self, linter: Linter, service: ServiceSettings | None = None) -> None:
        self.linter = linter
        self.service = service or ServiceSettings()
        off = set(linter.settings.disable)
        self._rules = {
            rid: rule for rid, rule in self.service.rules().items()
            if not ({rid, rule.category, "service"} & off)
        }
        self._greeting = tuple(filter(None, (fold_phrase(p) for p in self.service.greeting)))
        self._farewell = tuple(filter(None, (fold_phrase(p) for p in self.service.farewell)))

    def _service_finding(self, rule_id: str, **values) -> Finding | None:
        rule = self._rules.get(rule_id)
        if rule is None:
            return None
        return Finding(rule=rule.id, category=rule.category, severity=rule.severity, points=rule.points,
                       message=rule.message.format(**values), suggestion=rule.suggestion.format(**values),
                       start=0, end=0, line=1, column=1, match="")

    def _has_phrase(self, text: str, phrases: tuple[str, ...]) -> bool:
        compact = Normalized(text).compact
        return any(p in compact for p in phrases)

    def judge(self, messages: Iterable[Message], whole: bool = True) -> Judged:
        """``whole`` is False for a part of an over-long conversation (no greeting/farewell)."""
        messages = list(messages)
        context: deque[str] = deque(maxlen=CONTEXT_TURNS)
        waiting_since: float | None = None
        answered = False
        agent_turns: dict[str, int] = {}
        buyer_turns = 0
        timing: dict[str, list] = {}
        turns: list[list] = []  # [message, turn, findings(list), seconds]
        review: list[tuple] = []
        first_agent = last_agent = None
        for index, msg in enumerate(messages, start=1):
            if msg.role != "agent":
                buyer_turns += 1
                context.append(msg.text)
                if waiting_since is None and msg.time is not None:
                    waiting_since = msg.time
                continue
            agent_turns[msg.agent] = agent_turns.get(msg.agent, 0) + 1
            findings = list(self.linter.check(msg.text, context=list(context)).findings)
            if self.linter.use_model and findings and findings[-1].rule.startswith(MODEL_PREFIX):
                learned = [f for f in findings if f.rule.startswith(MODEL_PREFIX)]
                findings = findings[: len(findings) - len(learned)]  # the model's come last
                if not findings:
                    review.append(self._review_entry(index, msg, learned))
            seconds = None
            if waiting_since is not None and msg.time is not None and msg.time >= waiting_since:
                seconds = msg.time - waiting_since
                rule_id = "service.reply-time" if answered else "service.first-response"
                limit = self.service.reply_seconds if answered else self.service.first_response_seconds
                stats = timing.setdefault(msg.agent, [0, 0, 0.0, 0.0])
                stats[0] += 1
                stats[2] += seconds
                stats[3] = max(stats[3], seconds)
                if seconds > limit:
                    stats[1] += 1
                    f = self._service_finding(rule_id, seconds=_fmt_seconds(seconds), limit=_fmt_seconds(limit))
                    if f:
                        findings.append(f)
            waiting_since = None
            answered = True
            entry = [msg, index, findings, seconds]
            turns.append(entry)
            if first_agent is None:
                first_agent = entry
            last_agent = entry
        if whole and first_agent is not None:
            if not self._has_phrase(first_agent[0].text, self._greeting):
                f = self._service_finding("service.greeting")
                if f:
                    first_agent[2].append(f)
            if not self._has_phrase(last_agent[0].text, self._farewell):
                f = self._service_finding("service.farewell")
                if f:
                    last_agent[2].append(f)
        first = messages[0] if messages else None
        return Judged(
            conversation=first.conversation if first else "",
            source=first.source if first else "",
            first_line=first.line if first else 0,
            start_time=next((m.time for m in messages if m.time is not None), None),
            agent_turns=agent_turns,
            buyer_turns=buyer_turns,
            turns=tuple(Turn(m, i, tuple(f), s) for m, i, f, s in turns if f),
            timing={a: tuple(v) for a, v in timing.items()},
            review=tuple(review),
        )

    def _review_entry(self, index: int, msg: Message, learned: list[Finding]) -> tuple:
        best = max(learned, key=lambda f: (f.probability or 0.0, f.category))
        grams = next((v.grams for v in self.linter.model.verdicts(Normalized(msg.text))
                      if v.category == best.category), ())
        return (index, msg, best.category, best.probability or 0.0, grams)


class Conversation(NamedTuple):
    id: str
    messages: tuple[Message, ...]
    whole: bool


def group_conversations(items: Iterable, max_open: int = 5000, max_messages: int = 5000) -> Iterator:
    """Messages -> :class:`Conversation` objects; other items (skips) pass through in order.

    Memory stays bounded: at most ``max_open`` conversations are held; the least recently
    active one is closed when another opens. A conversation longer than ``max_messages`` is
    judged in parts (parts skip the greeting/farewell rules)."""
    open_: dict[str, list[Message]] = {}
    split: set[str] = set()
    for item in items:
        if not isinstance(item, Message):
            yield item
            continue
        key = item.conversation
        bucket = open_.pop(key, None)
        if bucket is None:
            bucket = []
            if len(open_) >= max_open:
                oldest = next(iter(open_))
                yield Conversation(oldest, tuple(open_.pop(oldest)), oldest not in split)
                split.discard(oldest)
        bucket.append(item)
        open_[key] = bucket  # re-inserted: dict order is least recently active first
        if len(bucket) >= max_messages:
            split.add(key)
            yield Conversation(key, tuple(open_.pop(key)), False)
    for key, bucket in open_.items():
        yield Conversation(key, tuple(bucket), key not in split)
