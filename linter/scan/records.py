"""The findings of a judged conversation as flat records, one per finding: dicts (CSV, HTML, the
Spark job) or, for the JSONL report, the lines ``json.dumps(record, ensure_ascii=False)`` makes,
written straight from the findings (building the dicts and encoding them costs several times more
than the line)."""
from __future__ import annotations

from collections.abc import Iterator
from json.encoder import encode_basestring  # what json.dumps(..., ensure_ascii=False) quotes strings with

from ..text.mask import mask_numbers, mask_sensitive, mask_text, may_hold_personal_number
from .fields import format_time
from .judge import Judged, Turn

MARK_OPEN, MARK_CLOSE = "⟦", "⟧"
RECORD_FIELDS = ("conversation", "turn", "agent", "time", "source", "line", "rule", "category", "severity",
                 "points", "fatal", "conversation_fatal", "seconds", "match", "message", "suggestion", "buyer",
                 "text")


def marked_text(turn: Turn, index: int, show_matches: bool = False) -> str:
    """The agent's message with personal data masked (unless ``show_matches``) and the span of
    finding ``index`` marked ⟦like this⟧."""
    return _marked(_shown_text(turn, show_matches), turn.findings[index])


def _shown_text(turn: Turn, show_matches: bool) -> str:
    text = turn.message.text
    if not show_matches:
        for f in turn.findings:
            if f.sensitive:  # few turns: most findings are the service rules'
                return mask_text(text, [(g.start, g.end) for g in turn.findings if g.sensitive])
    return text


def _marked(text: str, f) -> str:
    if f.end > f.start:
        return f"{text[: f.start]}{MARK_OPEN}{text[f.start : f.end]}{MARK_CLOSE}{text[f.end :]}"
    return text


def mask_personal(text: str) -> str:
    """``text`` with its personal numbers masked (detectors/personal_numbers.py), the detectors
    imported only for a text that may hold one (text.mask.may_hold_personal_number)."""
    if not may_hold_personal_number(text):
        return text
    from ..detectors.personal_numbers import mask_personal_numbers

    return mask_personal_numbers(text)


def shown_id(name: str, show_matches: bool = False) -> str:
    """A conversation id or an agent's name as reports print it: the personal numbers in it (a
    buyer's nickname that is their mobile) masked unless ``show_matches``. Only printing masks:
    conversations and agents are grouped and keyed by the names as they are."""
    return name if show_matches or not name else mask_personal(name)


def shown_buyer(text: str, show_matches: bool = False) -> str:
    """A buyer's turn as reports print it: its personal numbers (also written in parts, 139 1234
    5678) and every other long number masked unless ``show_matches``."""
    return text if show_matches or not text else mask_numbers(mask_personal(text))


def _turn_fields(turn: Turn, show_matches: bool) -> tuple[str, str, str, str, float | None]:
    """What every finding of a turn shows alike: its agent's name and time, its text masked, the
    buyer turn before it masked, its measured seconds rounded (each made once per turn, not per finding)."""
    agent = shown_id(turn.message.agent, show_matches)
    when = format_time(turn.message.time)
    text = _shown_text(turn, show_matches)
    buyer = shown_buyer(turn.buyer, show_matches)
    seconds = round(turn.seconds, 3) if turn.seconds is not None else None
    return agent, when, text, buyer, seconds


def finding_records(judged: Judged, show_matches: bool = False) -> Iterator[dict]:
    """One flat record per finding, in conversation order; matches masked unless asked.
    ``conversation_fatal`` marks every finding of a conversation that has a fatal finding;
    ``buyer`` is the buyer's turn the agent was answering (long numbers masked unless asked);
    personal numbers in the conversation id and the agent's name are masked unless asked."""
    conversation_fatal = any(f.fatal for turn in judged.turns for f in turn.findings)
    conversation = shown_id(judged.conversation, show_matches)
    for turn in judged.turns:
        msg = turn.message
        agent, when, text, buyer, seconds = _turn_fields(turn, show_matches)
        for f in turn.findings:
            yield {
                "conversation": conversation,
                "turn": turn.turn,
                "agent": agent,
                "time": when,
                "source": msg.source,
                "line": msg.line,
                "rule": f.rule,
                "category": f.category,
                "severity": f.severity._value_,  # .value is a Python-level property
                "points": f.points,
                "fatal": f.fatal,
                "conversation_fatal": conversation_fatal,
                "seconds": seconds if f.rule == turn.timed else None,
                "match": f.shown_match(show_matches),
                "message": f.message,
                "suggestion": f.suggestion,
                "buyer": buyer,
                "text": _marked(text, f),
            }


def _boolean(value: bool) -> str:
    return "true" if value else "false"


def add_finding_lines(out: list[bytes], judged: Judged, show_matches: bool = False,
                      fragments: dict | None = None) -> None:
    """Appends to ``out`` the JSONL lines of :func:`finding_records` in UTF-8, in pieces: joined,
    each line is what ``json.dumps(record, ensure_ascii=False) + "\\n"`` encodes to, byte for byte.
    What a turn's findings share is quoted and encoded once, and what a finding shares with others
    of its rule once per ``fragments`` (a dict kept by the caller, e.g. for a batch): a line is
    joined from encoded pieces, never built as a string and encoded whole (~3x less work a line)."""
    q = encode_basestring
    if fragments is None:
        fragments = {}
    turns = judged.turns
    start = f'{{"conversation": {q(shown_id(judged.conversation, show_matches))}, "turn": '
    fatal = False
    for turn in turns:
        for f in turn.findings:
            if f.fatal:
                fatal = True
                break
        if fatal:
            break
    conversation_fatal = _boolean(fatal)
    untimed = _UNTIMED[fatal]  # a finding that measured no seconds
    agent = source = None  # a conversation's turns mostly share them: quoted when they change
    for turn in turns:
        msg = turn.message
        findings = turn.findings
        text = msg.text
        if not show_matches:
            for f in findings:
                if f.sensitive:  # few turns: most findings are the service rules'
                    text = mask_text(text, [(g.start, g.end) for g in findings if g.sensitive])
                    break
        buyer = shown_buyer(turn.buyer, show_matches)
        if msg.agent is not agent:
            agent = msg.agent
            agent_part = f', "agent": {q(shown_id(agent, show_matches))}, "time": "'
        if msg.source is not source:
            source = msg.source
            source_part = f'", "source": {q(source)}, "line": '
        # the time between its quotes: digits, dashes, colons and a space, nothing to escape
        head = (f'{start}{int.__repr__(turn.turn)}{agent_part}{format_time(msg.time)}{source_part}'
                f'{int.__repr__(msg.line)}, "rule": ').encode()
        # only the finding of the rule that measured the turn's seconds shows them
        timed_rule = turn.timed
        seconds = turn.seconds
        timed = (f'{conversation_fatal}, "seconds": {float.__repr__(round(seconds, 3))}, "match": '.encode()
                 if timed_rule and seconds is not None else untimed)
        tail = f', "buyer": {q(buyer)}, "text": '
        unmarked = None  # the tail with the text as it is: a finding without a span (the service rules')
        for f in findings:
            key = f[:6] + f[12:13]  # rule, category, severity, points, message, suggestion; fatal
            shared = fragments.get(key)
            if shared is None:
                shared = fragments[key] = (
                    (f'{q(f.rule)}, "category": {q(f.category)}, "severity": {q(f.severity._value_)}, '
                     f'"points": {int.__repr__(f.points)}, "fatal": {_boolean(f.fatal)}, "conversation_fatal": ')
                    .encode(), f', "message": {q(f.message)}, "suggestion": {q(f.suggestion)}'.encode())
            if f.match:
                match = q(mask_sensitive(f.match) if f.sensitive and not show_matches else f.match).encode()
            else:
                match = _EMPTY
            if f.end > f.start:
                end = f'{tail}{q(_marked(text, f))}}}\n'.encode()
            elif unmarked is None:
                end = unmarked = f'{tail}{q(text)}}}\n'.encode()
            else:
                end = unmarked
            out += (head, shared[0], timed if f.rule == timed_rule else untimed, match, shared[1], end)


_UNTIMED = {flag: f'{_boolean(flag)}, "seconds": null, "match": '.encode() for flag in (False, True)}
_EMPTY = b'""'  # an empty match, quoted
