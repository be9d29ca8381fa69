"""The parallel scan of a log read in chunks: the workers parse the lines as well as judge them.

The parent reads each line-oriented file (JSONL, JDDC) a chunk of lines at a time, as bytes
(:meth:`~.readers.LogReader.chunks`), and sends the chunks to the workers in order. A worker parses
its chunk with the reader's own line parser, cuts the messages into runs of one conversation,
judges, totals and renders the runs inside the chunk as one batch, and sends back the first and
the last run unjudged (each may go on in the chunk beside it) and the skipped lines with their
numbers. The parent emits the skips in order, joins the edge runs across chunks and judges them,
and emits the batches in order: it never parses a line nor pickles a message's text.

Runs are the conversations of :func:`~.judge.group_conversations` when each conversation's messages
come together, as in exports. The parent checks that on the runs' conversation ids, replaying the
grouping's limits (``max_open`` conversations open, ``max_messages`` a conversation), and holds a
batch back until the grouping would have closed all its conversations. A conversation that comes
back while it would still be open (a log sorted by time), or one of ``max_messages`` or more, ends
this: from the first conversation not yet emitted the log is scanned as ``scan_batches`` scans any
input (parsed and grouped here, conversations sent to the workers), the grouping taken up in the
state it had there. Skips, batches and reports are the same as in one process, byte for byte.
"""
from __future__ import annotations

import itertools
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from operator import attrgetter
from typing import NamedTuple

from .judge import group_conversations
from .readers import Message, RawLines, Skip, parse_chunk

CHUNK_LINES = 4000  # lines per chunk sent to a worker


class Chunk(NamedTuple):
    """What a worker makes of chunk ``seq``: its skips; its messages cut into runs of one
    conversation, the first (``head``) and the last (``tail``) unjudged, the others judged as one
    batch (``body``, with each run's conversation and size, and the line of its first message)."""

    seq: int
    skips: list[Skip]
    head: list[Message]
    keys: tuple[str, ...]
    sizes: tuple[int, ...]
    first_line: int
    body: object  # a pipeline.Batch, or None
    tail: list[Message]


def judge_chunk(judge_batch: Callable, entry: tuple[int, RawLines | list]) -> Chunk:
    """``judge_batch(batch)``: a batch of (whole, messages) judged (pipeline._judge_batch)."""
    seq, chunk = entry
    skips: list[Skip] = []
    messages: list[Message] = []
    for item in parse_chunk(chunk):
        if isinstance(item, Skip):
            skips.append(item)
        else:
            messages.append(item)
    runs = [list(run) for _, run in itertools.groupby(messages, _conversation)]
    if len(runs) < 2:
        return Chunk(seq, skips, messages, (), (), 0, None, [])
    inner = runs[1:-1]
    body = judge_batch([(True, run) for run in inner]) if inner else None
    return Chunk(seq, skips, runs[0], tuple(run[0].conversation for run in inner), tuple(map(len, inner)),
                 inner[0][0].line if inner else 0, body, runs[-1])


_conversation = attrgetter("conversation")  # no Python-level call a message


class Interleaved(Exception):
    """A conversation that is not one run of the log, or too long to be judged whole."""


class _Unit:
    """Conversations ``first``..``last`` (their numbers in the log), from line ``line`` of chunk
    ``seq``, and their batch once judged."""

    __slots__ = ("batch", "first", "last", "line", "seq")

    def __init__(self, seq: int, line: int, first: int, last: int, batch: object = None) -> None:
        self.seq, self.line, self.first, self.last, self.batch = seq, line, first, last, batch


class Stitcher:
    """The parent's side: :class:`Chunk` results in, batches and skips out, in the grouping's order."""

    def __init__(self, judge_batch: Callable, max_open: int, max_messages: int) -> None:
        self.judge_batch = judge_batch
        self.max_open = max_open
        self.max_messages = max_messages
        # conversation -> its number, least recently opened first (the oldest popped in constant time)
        self.open: OrderedDict[str, int] = OrderedDict()
        self.closed = -1  # conversations up to this number closed by the grouping
        self.count = 0  # conversations opened
        self.recent: deque[str] = deque()  # conversations from number ``recent_from`` on
        self.recent_from = 0
        self.units: deque[_Unit] = deque()  # not yet emitted
        self.pending: list[Message] = []  # the last run seen, which the next chunk may go on with
        self.pending_unit: _Unit | None = None
        self.done = -1  # the last chunk taken in

    def take(self, result: Chunk) -> Iterator:
        """The skips of a chunk, then every batch the grouping would have given out by its end.
        Raises :class:`Interleaved` where the runs are not the grouping's conversations."""
        yield from result.skips
        self.done = result.seq
        if result.head:
            self._edge(result.head, result.seq)
        if result.keys:
            self._close_pending()
            unit = _Unit(result.seq, result.first_line, self.count, self.count + len(result.keys) - 1, result.body)
            self.units.append(unit)
            for key, size in zip(result.keys, result.sizes, strict=True):
                if size >= self.max_messages:
                    raise Interleaved(key)
                self._open(key)
        if result.tail:
            self._close_pending()
            self._edge(result.tail, result.seq)
        yield from self._ready()

    def finish(self) -> Iterator:
        self._close_pending()
        self.closed = self.count - 1
        yield from self._ready()

    def _edge(self, run: list[Message], seq: int) -> None:
        if self.pending and self.pending[-1].conversation == run[0].conversation:
            self.pending.extend(run)
        else:
            self._close_pending()
            self._open(run[0].conversation)
            self.pending = list(run)
            self.pending_unit = _Unit(seq, run[0].line, self.count - 1, self.count - 1)
            self.units.append(self.pending_unit)
        if len(self.pending) >= self.max_messages:
            raise Interleaved(run[0].conversation)

    def _close_pending(self) -> None:
        if self.pending_unit is not None:
            self.pending_unit.batch = self.judge_batch([(True, self.pending)])
            self.pending, self.pending_unit = [], None

    def _open(self, key: str) -> None:
        if key in self.open:
            raise Interleaved(key)
        if len(self.open) >= self.max_open:
            self.closed = self.open.popitem(last=False)[1]
        self.open[key] = self.count
        self.count += 1
        self.recent.append(key)

    def _ready(self) -> Iterator:
        units = self.units
        while units and units[0].last <= self.closed and units[0].batch is not None:
            yield units.popleft().batch
        # what a restart would need: the conversations open before the first not emitted
        keep_from = (units[0].first if units else self.count) - self.max_open
        while self.recent_from < keep_from:
            self.recent.popleft()
            self.recent_from += 1

    def resume_point(self) -> tuple[int, int, list[str]]:
        """(chunk, line) of the first conversation not emitted, and the conversations open just
        before it, least recently active first (the grouping's state there)."""
        if self.units:
            unit = self.units[0]
            seq, line, first = unit.seq, unit.line, unit.first
        else:
            seq, line, first = self.done + 1, 0, self.count
        start = max(first - self.max_open, self.recent_from)
        gone = list(itertools.islice(self.recent, start - self.recent_from, first - self.recent_from))
        return seq, line, gone


def scan_chunks(chunks: Iterable[RawLines | list], max_open: int, max_messages: int, judge_batch: Callable,
                run_chunks: Callable, run_rest: Callable) -> Iterator:
    """Skips and batches in input order. ``judge_batch(batch)`` judges a batch of (whole, messages)
    here; ``run_chunks(entries, local)`` gives :func:`judge_chunk` of each (chunk number, chunk), in
    order (``local`` judges one here); ``run_rest(grouped)`` gives the batches and skips of grouped
    conversations, in order (pipeline.py gives all three)."""
    source = iter(chunks)
    kept: deque[tuple[int, RawLines | list]] = deque()  # chunks sent: from the first not emitted on
    stitcher = Stitcher(judge_batch, max_open, max_messages)
    results = run_chunks(_numbered(source, kept), partial(judge_chunk, judge_batch))
    try:
        for result in results:
            yield from stitcher.take(result)
            seq = stitcher.resume_point()[0]
            while kept and kept[0][0] < seq:
                kept.popleft()
        yield from stitcher.finish()
        return
    except Interleaved:
        pass  # the scan goes on in another pool
    finally:
        results.close()  # its pool stopped, also when the scan is (Ctrl-C, an error, the generator closed)
    seq, line, gone = stitcher.resume_point()
    grouped = group_conversations(_resumed(kept, source, seq, line, stitcher.done), max_open=max_open,
                                  max_messages=max_messages, gone=gone)
    yield from run_rest(grouped)


def _numbered(source: Iterator, kept: deque) -> Iterator[tuple[int, RawLines | list]]:
    for entry in enumerate(source):
        kept.append(entry)
        yield entry


def _resumed(kept: deque, rest: Iterator, seq: int, line: int, done: int) -> Iterator[Message | Skip]:
    """The items from line ``line`` of chunk ``seq`` on (a chunk holds the lines of one file), but
    the skips of chunks up to ``done``, emitted already; then the chunks not yet read."""
    while kept:
        number, chunk = kept.popleft()
        if number < seq:
            continue
        for item in parse_chunk(chunk):
            if isinstance(item, Skip):
                if number > done:
                    yield item
            elif number > seq or item.line >= line:
                yield item
    for chunk in rest:
        yield from parse_chunk(chunk)
