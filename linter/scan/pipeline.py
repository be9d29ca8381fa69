"""The batch scan pipeline: chat log -> conversations -> judged conversations, in input order.

With ``jobs > 1`` whole conversations are judged in worker processes; results come back in the
order they were sent, so any ``jobs`` gives the same reports byte for byte. At most a few
batches are in flight, so memory stays flat however long the log is.
"""
from __future__ import annotations

import multiprocessing
import os
import signal
from collections import deque
from collections.abc import Generator, Iterable, Iterator

from ..text.mask import mask_text
from .fields import mask_numbers
from .judge import Conversation, ConversationJudge, Judged, Turn, group_conversations
from .readers import Message, Skip, format_time

BATCH_MESSAGES = 4000  # messages per batch sent to a worker
IN_FLIGHT = 3  # batches in flight per worker

_judge: ConversationJudge | None = None  # per worker process, set once by the pool initializer
_STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _init(judge: ConversationJudge) -> None:
    global _judge
    _judge = judge
    # Ctrl-C and kill are the parent's to handle (it stops the pool); a worker just ends
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP_SIGNALS)  # blocked while the pool was forked


def _pack(item):
    """Plain tuples pickle about twice as fast as named tuples: the main process does this."""
    if isinstance(item, Conversation):
        return (item.whole, [tuple(m) for m in item.messages])
    return item


def _work(batch: list) -> list:
    assert _judge is not None
    make = Message._make
    return [
        item if isinstance(item, Skip) else _judge.judge([make(m) for m in item[1]], item[0]) for item in batch
    ]


def judge_stream(items: Iterable[Message | Skip], judge: ConversationJudge, jobs: int = 1,
                 max_open: int = 5000) -> Generator[Judged | Skip, None, None]:
    """Judged conversations and skips, in a deterministic order independent of ``jobs``."""
    grouped = group_conversations(items, max_open=max_open)
    if jobs <= 1:
        for item in grouped:
            yield judge.judge(item.messages, item.whole) if isinstance(item, Conversation) else item
        return
    if any(rule.boundary == "word" for rule in judge.linter.rules):
        judge.linter.segmenter.cut("您好")  # jieba's dictionary (~0.8 s) loaded once, shared by the workers
    if judge.linter.use_model:
        judge.linter.model.flagged("您好")  # the review model too
    # fork: the judge (and its compiled rules) is inherited, not pickled per worker.
    ctx = multiprocessing.get_context("fork")
    # A Ctrl-C or kill landing while multiprocessing builds the pool would leave it half made (its
    # threads running, no finalizer): at exit its worker thread restarts the workers being stopped
    # and the interpreter waits on them for ever. So those signals wait until the pool exists and
    # the with block, which stops it, has begun.
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)
    try:
        with ctx.Pool(jobs, initializer=_init, initargs=(judge,)) as pool:
            signal.pthread_sigmask(signal.SIG_SETMASK, previous)
            yield from _judge_in(pool, grouped, jobs)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _judge_in(pool, grouped: Iterable, jobs: int) -> Iterator[Judged | Skip]:
    """Conversations sent to the pool in batches; results taken back in the order sent."""
    pending: deque = deque()
    batch: list = []
    size = 0
    for item in grouped:
        batch.append(_pack(item))
        size += len(item.messages) if isinstance(item, Conversation) else 1
        if size >= BATCH_MESSAGES:
            pending.append(pool.apply_async(_work, (batch,)))
            batch, size = [], 0
            if len(pending) >= jobs * IN_FLIGHT:
                yield from pending.popleft().get()
    if batch:
        pending.append(pool.apply_async(_work, (batch,)))
    while pending:
        yield from pending.popleft().get()


MARK_OPEN, MARK_CLOSE = "⟦", "⟧"


def marked_text(turn: Turn, index: int, show_matches: bool = False) -> str:
    """The agent's message with personal data masked (unless ``show_matches``) and the span of
    finding ``index`` marked ⟦like this⟧."""
    text = turn.message.text
    if not show_matches:
        text = mask_text(text, [(f.start, f.end) for f in turn.findings if f.sensitive])
    f = turn.findings[index]
    if f.end > f.start:
        text = f"{text[: f.start]}{MARK_OPEN}{text[f.start : f.end]}{MARK_CLOSE}{text[f.end :]}"
    return text


RECORD_FIELDS = ("conversation", "turn", "agent", "time", "source", "line", "rule", "category", "severity",
                 "points", "fatal", "conversation_fatal", "seconds", "match", "message", "suggestion", "buyer",
                 "text")


def finding_records(judged: Judged, show_matches: bool = False) -> Iterator[dict]:
    """One flat record per finding, in conversation order; matches masked unless asked.
    ``conversation_fatal`` marks every finding of a conversation that has a fatal finding;
    ``buyer`` is the buyer's turn the agent was answering (long numbers masked unless asked)."""
    conversation_fatal = any(f.fatal for turn in judged.turns for f in turn.findings)
    for turn in judged.turns:
        msg = turn.message
        for i, f in enumerate(turn.findings):
            yield {
                "conversation": judged.conversation,
                "turn": turn.turn,
                "agent": msg.agent,
                "time": format_time(msg.time),
                "source": msg.source,
                "line": msg.line,
                "rule": f.rule,
                "category": f.category,
                "severity": f.severity.value,
                "points": f.points,
                "fatal": f.fatal,
                "conversation_fatal": conversation_fatal,
                "seconds": round(turn.seconds, 3) if f.rule == turn.timed and turn.seconds is not None else None,
                "match": f.shown_match(show_matches),
                "message": f.message,
                "suggestion": f.suggestion,
                "buyer": turn.buyer if show_matches else mask_numbers(turn.buyer),
                "text": marked_text(turn, i, show_matches),
            }
