"""The batch scan pipeline: chat log -> conversations -> judged conversations, in input order.

With ``jobs > 1`` whole conversations are judged in worker processes; results come back in the
order they were sent, so any ``jobs`` gives the same reports byte for byte. At most a few
batches are in flight, so memory stays flat however long the log is.
"""
from __future__ import annotations

import contextlib
import gc
import itertools
import os
import signal
import sys
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import NamedTuple

from .chunked import CHUNK_LINES, judge_chunk, scan_chunks
from .judge import MAX_MESSAGES, Conversation, ConversationJudge, Judged, group_conversations
from .readers import LogReader, Message, Skip, parse_chunk
from .records import RECORD_FIELDS, finding_records, marked_text  # noqa: F401 - re-exported (the Spark job)
from .summary import ScanSummary

BATCH_MESSAGES = 4000  # messages per batch sent to a worker
IN_FLIGHT = 3  # batches in flight per worker
# lines read at a time with one job: few, as their bytes and messages are held beside the open
# conversations (4,000 raised the peak RSS of a scan by ~3 MB)
READ_LINES = 500
# The cyclic collector's thresholds during a scan (CPython's default: 700, 10, 10). A scan makes
# millions of short-lived containers and few cycles; with these (and what was built before the
# scan frozen) --jobs 1 took ~4.3 s CPU instead of ~5.2 s on the 200k-message log of
# benchmarks/bench_scan.py, and --jobs 2's workers ~10% less each (one core, same run).
GC_THRESHOLDS = (20000, 20, 20)

# per worker process, set once by the pool initializer
_judge: ConversationJudge | None = None
_output: Output | None = None
_STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _init(judge: ConversationJudge, output: Output | None = None) -> None:
    global _judge, _output
    _judge, _output = judge, output
    # Ctrl-C and kill are the parent's to handle (it stops the pool); a worker just ends
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP_SIGNALS)  # blocked while the pool was forked


def judge_stream(items: Iterable[Message | Skip], judge: ConversationJudge, jobs: int = 1,
                 max_open: int = 5000) -> Generator[Judged | Skip, None, None]:
    """Judged conversations and skips, in a deterministic order independent of ``jobs``."""
    grouped = group_conversations(items, max_open=max_open)
    if jobs <= 1:
        for item in grouped:
            yield judge.judge(item.messages, item.whole) if isinstance(item, Conversation) else item
        return
    with _few_collections():
        for result in _in_pool(_batches(grouped), jobs, (judge,), _work, partial(_judge_all, judge)):
            if isinstance(result, Skip):
                yield result
            else:
                yield from result


@dataclass(frozen=True)
class Output:
    """What a worker makes of its judged conversations besides the totals: the findings report
    rendered (``render(judged conversations with findings, show_matches) -> bytes``; None: no
    report), and up to ``keep_records`` records for the HTML report. ``summary`` makes an empty
    summary with the scan's settings."""

    summary: Callable[[], ScanSummary]
    render: Callable[[list[Judged], bool], bytes] | None = None
    show_matches: bool = False
    keep_records: int = 0


class Batch(NamedTuple):
    """A batch of conversations judged: their totals, their findings rendered, a few records."""

    summary: ScanSummary
    rendered: bytes
    records: list[dict]


def scan_batches(items: Iterable[Message | Skip], judge: ConversationJudge, output: Output, jobs: int = 1,
                 max_open: int = 5000) -> Generator[Batch | Skip, None, None]:
    """The scan: skips as they are read, and one :class:`Batch` per batch of conversations, in
    input order. Batches of conversations in input order, their totals merged in order
    (:meth:`ScanSummary.merge`), give the same reports byte for byte however the conversations are
    batched: so any ``jobs`` gives the same reports. With ``jobs > 1`` the workers judge, total and
    render; the parent merges and writes, and judges the first batch before it forks them (see
    :func:`_in_pool`). A :class:`LogReader` is read in chunks of raw lines that the workers parse
    (see chunked.py), or this process with one job; other items are grouped here and sent as
    conversations."""
    if isinstance(items, LogReader):
        if jobs > 1:
            with _few_collections():
                yield from _scan_chunks(items, judge, output, jobs, max_open)
            return
        # the same items, a few lines at a time: no generator step per line between the file and
        # the parser (-5% of the instructions of reading the scan log)
        items = itertools.chain.from_iterable(map(parse_chunk, items.chunks(READ_LINES)))
    grouped = group_conversations(items, max_open=max_open)
    with _few_collections():
        if jobs <= 1:
            for batch in _batches(grouped, pack=False):
                yield batch if isinstance(batch, Skip) else _judge_batch(judge, output, batch)
            return
        yield from _in_pool(_batches(grouped), jobs, (judge, output), _work_batch,
                            partial(_judge_batch, judge, output, packed=True))


def _scan_chunks(reader: LogReader, judge: ConversationJudge, output: Output, jobs: int,
                 max_open: int) -> Iterator[Batch | Skip]:
    initargs = (judge, output)
    packed = partial(_judge_batch, judge, output, packed=True)
    return scan_chunks(
        reader.chunks(CHUNK_LINES), max_open, MAX_MESSAGES, partial(_judge_batch, judge, output),
        run_chunks=lambda entries, local: _in_pool(entries, jobs, initargs, _work_chunk, local),
        run_rest=lambda grouped: _in_pool(_batches(grouped), jobs, initargs, _work_batch, packed))


_M_MMAP_THRESHOLD = -3  # mallopt's parameter (glibc's malloc.h)


def steady_heap() -> None:
    """For the scan command's process: glibc's malloc raises its mmap threshold to the size of each
    large block freed (a dict's table or a list grown past 128 KB and let go), up to 32 MB; blocks
    under it then come from the heap, and the pages they leave free stay resident. A scan frees
    such blocks all along: the peak RSS of ``scan --jobs 1`` on the 200k-message log of
    benchmarks/bench_scan.py moved between 80 and 84 MB from run to run. Fixed at glibc's default
    (128 KB), large blocks go back to the system when freed: ~79 MB, run after run. It changes
    the whole process's malloc, so the command calls it, not the library. Elsewhere than on glibc,
    nothing is done."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes  # ~6 ms and 0.4 MB, once per scan

        ctypes.CDLL(None).mallopt(_M_MMAP_THRESHOLD, 128 * 1024)
    except (OSError, AttributeError):  # musl and others: no mallopt
        pass


@contextlib.contextmanager
def _few_collections() -> Iterator[None]:
    """Fewer collections while scanning, and none that walks what was made before (the compiled
    rules): frozen, as in the workers forked meanwhile, which inherit both. Restored after; what
    the caller had frozen stays frozen (unfreezing cannot tell it from what the scan froze, so
    then nothing is unfrozen)."""
    previous = gc.get_threshold()
    caller_froze = gc.get_freeze_count() > 0
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*previous)
        if not caller_froze:
            gc.unfreeze()


def _in_pool(batches: Iterable, jobs: int, initargs: tuple, work: Callable, local: Callable) -> Iterator:
    """The batches judged in a pool of ``jobs`` forked workers (the judge is inherited, not
    pickled), started at the second batch; the first is judged here by ``local``, before the fork:
    the workers inherit what judging it made on first use (automata, compiled regexes and detector
    options, decoded rules, the word segmenter if a rule needed it), which each of them would make
    again. A scan that ends closes the pool and lets the workers finish; one stopped (Ctrl-C, kill,
    an error, the generator closed) terminates them."""
    batches = iter(batches)
    for first in batches:
        if isinstance(first, Skip):
            yield first
            continue
        yield local(first)
        break
    for first in batches:
        if isinstance(first, Skip):
            yield first
            continue
        import multiprocessing  # a scan on one core never needs it (~1.5 MB)
        import multiprocessing.pool

        # what judging the first batch made (decoded rules, regexes, automata, caches) frozen too
        # (the caller unfreezes, see _few_collections): a worker's collections would walk it, and
        # copy every page they touched
        gc.freeze()
        # A Ctrl-C or kill landing while multiprocessing builds the pool would leave it half made
        # (its threads running, no finalizer): at exit its worker thread restarts the workers being
        # stopped and the interpreter waits on them for ever. So those signals wait until the pool
        # exists and the try block, which stops it, has begun.
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)
        try:
            pool = _quiet_pool(multiprocessing)(jobs, initializer=_init, initargs=initargs,
                                                context=multiprocessing.get_context("fork"))
        except BaseException:
            signal.pthread_sigmask(signal.SIG_SETMASK, previous)
            raise
        try:
            signal.pthread_sigmask(signal.SIG_SETMASK, previous)
            yield from _in_order(pool, itertools.chain([first], batches), jobs, work)
        except BaseException:
            pool.terminate()
            raise
        pool.close()
        pool.join()
        return


def _quiet_pool(multiprocessing) -> type:
    """``multiprocessing.pool.Pool`` whose worker-handler thread wakes when a worker ends or the pool
    changes state, not for every piece of a result on its way: with the results' pipe among what it
    waits on, it woke and polled the workers until the result-handler thread had read each result (a
    chunk's findings are ~700 kB), 0.13 s of the parent's CPU on the 200k-message log. What it left
    out served ``maxtasksperchild``, which the scan does not use."""
    base = multiprocessing.pool.Pool

    class QuietPool(base):  # type: ignore[valid-type,misc]
        def _get_sentinels(self):
            notifier = getattr(self, "_change_notifier", None)
            return [notifier._reader] if notifier is not None else super()._get_sentinels()

    return QuietPool


def _batches(grouped: Iterable, pack: bool = True) -> Iterator[list | Skip]:
    """Skips one by one, conversations in batches of about ``BATCH_MESSAGES`` messages. For a
    worker a conversation's messages are packed as columns (one C-level zip): plain tuples pickle
    several times faster than named tuples."""
    batch: list = []
    size = 0
    for item in grouped:
        if not isinstance(item, Conversation):
            yield item
            continue
        batch.append((item.whole, tuple(zip(*item.messages, strict=True)) if pack else item.messages))
        size += len(item.messages)
        if size >= BATCH_MESSAGES:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _in_order(pool, batches: Iterable, jobs: int, work: Callable) -> Iterator:
    """Batches sent to the pool (skips pass by in their place); results taken back in the order sent."""
    pending: deque = deque()
    for batch in batches:
        pending.append(batch if isinstance(batch, Skip) else pool.apply_async(work, (batch,)))
        if len(pending) >= jobs * IN_FLIGHT:
            yield _get(pending.popleft())
    while pending:
        yield _get(pending.popleft())


def _get(item):
    return item if isinstance(item, Skip) else item.get()


def _messages(columns: tuple) -> list[Message]:
    new = tuple.__new__  # a Message without the named tuple's Python-level __new__
    return [new(Message, m) for m in zip(*columns, strict=True)]


def _work(batch: list) -> list[Judged]:
    assert _judge is not None
    return _judge_all(_judge, batch)


def _judge_all(judge: ConversationJudge, batch: list) -> list[Judged]:
    return [judge.judge(_messages(columns), whole) for whole, columns in batch]


def _work_batch(batch: list) -> Batch:
    assert _judge is not None and _output is not None
    return _judge_batch(_judge, _output, batch, packed=True)


def _work_chunk(entry: tuple) -> object:
    assert _judge is not None and _output is not None
    return judge_chunk(partial(_judge_batch, _judge, _output), entry)


def _judge_batch(judge: ConversationJudge, output: Output, batch: list, packed: bool = False) -> Batch:
    summary = output.summary()
    summary.partial = True  # keeps what an exact merge needs (see ScanSummary.merge)
    flagged: list[Judged] = []  # conversations with findings, rendered together
    kept: list[dict] = []
    for whole, messages in batch:
        judged = judge.judge(_messages(messages) if packed else messages, whole)
        summary.add(judged)
        if judged.turns:
            flagged.append(judged)
            if len(kept) < output.keep_records:
                kept.extend(itertools.islice(finding_records(judged, output.show_matches),
                                             output.keep_records - len(kept)))
    rendered = output.render(flagged, output.show_matches) if output.render is not None and flagged else b""
    return Batch(summary, rendered, kept)
