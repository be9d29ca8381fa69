"""One conversation judged as a whole: every agent turn linted with the buyer turns before it
as context, plus the service rules that need the whole conversation (response times from
timestamps, a greeting at the start, a polite close at the end).

Service findings are ordinary :class:`Finding` objects (span 0..0, the measured seconds in the
message) so that every report treats them like any other finding.
"""
from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple

from ..engine import Linter
from ..finding import Finding
from ..model.findings import PREFIX as MODEL_PREFIX
from ..rules.rulecache import conversation_rules
from ..text.normalize import Normalized, fold_phrase
from .readers import Message
from .service_phrases import CLOSER_FRAMES, OPENER_FRAMES, intent_patterns
from .service_rules import ServiceSettings

_new_tuple = tuple.__new__  # a Turn without the named tuple's Python-level __new__
CONTEXT_TURNS = 10  # buyer turns kept for context rules (a rule uses at most its own ``turns``)
EDGE_TURNS = 2  # the greeting may come in the agent's first two turns, the close in the last two


class Turn(NamedTuple):
    """An agent turn with findings (turns without findings are only counted)."""

    message: Message
    turn: int  # 1-based position in the conversation (buyer turns count too)
    findings: tuple[Finding, ...]
    seconds: float | None  # response delay measured for this turn, if any
    timed: str = ""  # the id of the rule that measured ``seconds`` (its finding carries them)
    buyer: str = ""  # the buyer's last turn before it (what the agent answered)


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
    """Judges whole conversations with one compiled :class:`Linter`; picklable. What it judges depends
    on nothing but its arguments (it keeps the reply-time findings it made, as the Linter keeps what
    it built on first use)."""

    def __init__(self, linter: Linter, service: ServiceSettings | None = None) -> None:
        self.linter = linter
        self.service = service or ServiceSettings()
        # check -> rule (rulesets/service.toml)
        self._rules = self.service.rules(conversation_rules(linter.rules))
        # greetings and farewells by intent: the rules' words (rulesets/service.toml) or a frame (service_phrases.py)
        self._opener = intent_patterns(filter(None, (fold_phrase(p) for p in self._expected("greeting"))), OPENER_FRAMES)
        self._closer = intent_patterns(filter(None, (fold_phrase(p) for p in self._expected("farewell"))), CLOSER_FRAMES)
        # looked up once, not per turn: the timing checks' limits (a disabled rule still measures)
        # and the greeting and farewell findings, which have no values (one object each)
        self._limits = {check: rule.seconds if (rule := self._rules.get(check)) is not None and rule.seconds is not None
                        else float("inf") for check in ("first-response", "reply-time")}
        self._greeting = self._service_finding("greeting")
        self._farewell = self._service_finding("farewell")
        self._timing_findings: dict[tuple[str, str], Finding | None] = {}

    def _expected(self, check: str) -> tuple[str, ...]:
        rule = self._rules.get(check)
        return rule.expect if rule is not None else ()

    def _service_finding(self, check: str, **values) -> Finding | None:
        rule = self._rules.get(check)
        if rule is None or not rule.enabled:
            return None
        return Finding(rule=rule.id, category=rule.category, severity=rule.severity, points=rule.points,
                       message=rule.message.format(**values), suggestion=rule.suggestion.format(**values),
                       start=0, end=0, line=1, column=1, match="")

    @staticmethod
    def _says(forms: list[str], patterns: tuple) -> bool:
        """Whether one of ``forms`` (agent turns' compact search forms) says what one of ``patterns``
        finds."""
        for form in forms:
            for pattern in patterns:
                if pattern.search(form):
                    return True
        return False

    def judge(self, messages: Iterable[Message], whole: bool = True) -> Judged:
        """``whole`` is False for a part of an over-long conversation (no greeting/farewell)."""
        messages = messages if isinstance(messages, (list, tuple)) else list(messages)
        check = self.linter.check
        use_model = self.linter.use_model
        # the last buyer turns, oldest first: a new tuple per buyer turn, passed as it is to every
        # agent turn that follows (the linter reads a tuple of strings without copying it)
        context: tuple[str, ...] = ()
        waiting_since: float | None = None
        answered = False
        agent_turns: dict[str, int] = {}
        buyer_turns = 0
        timing: dict[str, list] = {}
        turns: list[list[Any]] = []  # [message, turn, findings, seconds, timed, buyer turn before]
        # every agent turn's compact search form, as the check made it: the greeting and farewell
        # checks read the first and last two (normalizing them again cost ~5% of a scan)
        forms: list[str] = []
        review: list[tuple] = []
        for index, msg in enumerate(messages, start=1):
            _source, _line, _conversation, role, agent, when, text = msg
            if role != "agent":
                buyer_turns += 1
                context = (*context[1 - CONTEXT_TURNS :], text)
                if waiting_since is None and when is not None:
                    waiting_since = when
                continue
            agent_turns[agent] = agent_turns.get(agent, 0) + 1
            norm = Normalized(text)
            forms.append(norm.compact)
            findings = check(text, context, norm=norm).findings
            if use_model and findings and findings[-1].rule.startswith(MODEL_PREFIX):
                learned = [f for f in findings if f.rule.startswith(MODEL_PREFIX)]
                findings = findings[: len(findings) - len(learned)]  # the model's come last
                if not findings:
                    review.append(self._review_entry(index, msg, learned))
            seconds = None
            timed = ""
            if waiting_since is not None and when is not None and when >= waiting_since:
                seconds = when - waiting_since
                timer = "reply-time" if answered else "first-response"
                limit = self._limits[timer]
                stats = timing.get(agent)
                if stats is None:
                    stats = timing[agent] = [0, 0, 0.0, 0.0]
                stats[0] += 1
                stats[2] += seconds
                stats[3] = max(stats[3], seconds)
                if seconds > limit:
                    stats[1] += 1
                    f = self._timing_finding(timer, seconds, limit)
                    if f:
                        findings = (*findings, f)
                        timed = f.rule
            waiting_since = None
            answered = True
            turns.append([msg, index, findings, seconds, timed, context[-1] if context else ""])
        if whole and turns:  # once per conversation, by intent, in the first / last two agent turns
            if self._greeting and not self._says(forms[:EDGE_TURNS], self._opener):
                turns[0][2] = (*turns[0][2], self._greeting)
            # the last turn first: a close is most often there (859 of the JDDC export's 994
            # conversations), and the turn before it is then never searched
            if self._farewell and not self._says(forms[: -EDGE_TURNS - 1 : -1], self._closer):
                turns[-1][2] = (*turns[-1][2], self._farewell)
        if not messages:
            return _new_tuple(Judged, ("", "", 0, None, agent_turns, buyer_turns, (), {}, ()))
        first = messages[0]
        start_time = first.time if first.time is not None else next(
            (m.time for m in messages if m.time is not None), None)
        return _new_tuple(Judged, (
            first.conversation, first.source, first.line, start_time, agent_turns, buyer_turns,
            tuple([_new_tuple(Turn, entry) for entry in turns if entry[2]]),
            {a: tuple(v) for a, v in timing.items()} if timing else {}, tuple(review)))

    def _timing_finding(self, timer: str, seconds: float, limit: float) -> Finding | None:
        """The finding of a reply that came ``seconds`` after the buyer's turn (over ``limit``);
        one object for each rule and shown seconds (findings are immutable)."""
        shown = _fmt_seconds(seconds)
        f = self._timing_findings.get((timer, shown))
        if f is None:
            if len(self._timing_findings) >= 4096:
                self._timing_findings.clear()
            f = self._timing_findings[timer, shown] = self._service_finding(timer, seconds=shown,
                                                                              limit=_fmt_seconds(limit))
        return f

    def _review_entry(self, index: int, msg: Message, learned: list[Finding]) -> tuple:
        best = max(learned, key=lambda f: (f.probability or 0.0, f.category))
        grams = next((v.grams for v in self.linter.model.verdicts(Normalized(msg.text))
                      if v.category == best.category), ())
        return (index, msg, best.category, best.probability or 0.0, grams)


class Conversation(NamedTuple):
    id: str
    messages: tuple[Message, ...]
    whole: bool


MAX_MESSAGES = 5000  # a conversation longer than this is judged in parts


def group_conversations(items: Iterable, max_open: int = 5000, max_messages: int = MAX_MESSAGES,
                        gone: Iterable[str] = ()) -> Iterator:
    """Messages -> :class:`Conversation` objects; other items (skips) pass through in order.

    Memory stays bounded: at most ``max_open`` conversations are held; the least recently
    active one is closed when another opens. A conversation longer than ``max_messages`` is
    judged in parts (parts skip the greeting/farewell rules). ``gone``: conversations open
    before the first item, least recently active first, already given out: each holds its place
    until it is closed, and is not given again (a scan taken up again at a line, see chunked.py)."""
    given: list[Message] = []  # what a conversation of ``gone`` holds (an open one has a message)
    # least recently active first; an OrderedDict gives its oldest in constant time, where a dict
    # walks over the slots of the conversations closed before it (~50 ms of the 200k-message log)
    open_: OrderedDict[str, list[Message]] = OrderedDict.fromkeys(gone, given)
    split: set[str] = set()
    last_key: str | None = None  # the conversation of the last message: the most recently active
    for item in items:
        if not isinstance(item, Message):
            yield item
            continue
        key = item.conversation
        if key == last_key:  # a conversation's lines mostly come together: it keeps its place
            bucket = open_[key]
        else:
            bucket = open_.pop(key, given) or []
            if not bucket and len(open_) >= max_open:  # a new conversation (an open one has a message)
                oldest, closed = open_.popitem(last=False)
                if closed is not given:
                    yield Conversation(oldest, tuple(closed), oldest not in split)
                split.discard(oldest)
            open_[key] = bucket  # re-inserted: dict order is least recently active first
            last_key = key
        bucket.append(item)
        if len(bucket) >= max_messages:
            split.add(key)
            last_key = None
            yield Conversation(key, tuple(open_.pop(key)), False)
    for key, left in open_.items():
        if left is not given:
            yield Conversation(key, tuple(left), key not in split)
