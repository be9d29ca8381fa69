"""A bounded open-loop HTTP/1.1 load generator for loopback benchmarks.

Open loop: request i is due at ``t0 + i / rate`` whether or not earlier ones have answered, and
its latency is measured from that due time, so a stalled server shows up in p99 instead of
silently lowering the rate (no coordinated omission). Bounded: exactly ``rate * seconds``
requests over at most ``connections`` keep-alive connections, and every request still open
``grace`` seconds after the last one was due is counted as an error. Only ever points at
127.0.0.1.
"""
from __future__ import annotations

import asyncio
import json
import statistics
import time
from dataclasses import dataclass


@dataclass
class LoadResult:
    rate: float
    seconds: float
    sent: int
    ok: int
    errors: int
    latencies_ms: list[float]
    wall: float

    def pct(self, q: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        data = sorted(self.latencies_ms)
        return data[min(len(data) - 1, int(q / 100 * len(data)))]

    @property
    def achieved(self) -> float:
        return self.ok / self.wall if self.wall else 0.0

    def row(self) -> dict:
        return {"rate": self.rate, "sent": self.sent, "ok": self.ok, "errors": self.errors,
                "p50_ms": round(self.pct(50), 3), "p99_ms": round(self.pct(99), 3),
                "max_ms": round(max(self.latencies_ms, default=float("nan")), 3),
                "mean_ms": round(statistics.fmean(self.latencies_ms), 3) if self.latencies_ms else None,
                "achieved_rps": round(self.achieved, 1)}


def check_requests(texts: list[str], port: int, token: str | None = None) -> list[bytes]:
    """Pre-encoded ``POST /v1/check`` requests, one per text."""
    out = []
    auth = f"Authorization: Bearer {token}\r\n" if token else ""
    for text in texts:
        body = json.dumps({"text": text}, ensure_ascii=False).encode()
        head = (f"POST /v1/check HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
                f"{auth}Content-Length: {len(body)}\r\n\r\n").encode()
        out.append(head + body)
    return out


async def _read_response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = 0
    for line in head.split(b"\r\n")[1:]:
        if line[:15].lower() == b"content-length:":
            length = int(line[15:])
    if length:
        await reader.readexactly(length)
    return status


async def _run(port: int, requests: list[bytes], rate: float, seconds: float, connections: int,
               grace: float) -> LoadResult:
    total = int(rate * seconds)
    queue: asyncio.Queue = asyncio.Queue()
    latencies: list[float] = []
    counts = {"ok": 0, "errors": 0}

    async def worker() -> None:
        reader = writer = None
        while True:
            item = await queue.get()
            if item is None:
                break
            i, due = item
            try:
                if writer is None:
                    reader, writer = await asyncio.open_connection("127.0.0.1", port)
                writer.write(requests[i % len(requests)])
                status = await _read_response(reader)
                if status == 200:
                    counts["ok"] += 1
                    latencies.append((time.perf_counter() - due) * 1000)
                else:
                    counts["errors"] += 1
            except (OSError, asyncio.IncompleteReadError, ValueError):
                counts["errors"] += 1
                if writer is not None:
                    writer.close()
                reader = writer = None
        if writer is not None:
            writer.close()

    workers = [asyncio.create_task(worker()) for _ in range(connections)]
    t0 = time.perf_counter() + 0.05
    interval = 1.0 / rate
    for i in range(total):
        due = t0 + i * interval
        delay = due - time.perf_counter()
        if delay > 0.0005:
            await asyncio.sleep(delay)
        queue.put_nowait((i, due))
    for _ in workers:
        queue.put_nowait(None)
    _done, pending = await asyncio.wait(workers, timeout=grace)
    for task in pending:
        task.cancel()
    wall = time.perf_counter() - t0
    answered = counts["ok"] + counts["errors"]
    return LoadResult(rate, seconds, total, counts["ok"], counts["errors"] + (total - answered), latencies, wall)


def run_load(port: int, requests: list[bytes], rate: float, seconds: float, connections: int = 64,
             grace: float = 10.0) -> LoadResult:
    try:
        import uvloop

        runner = uvloop.run
    except ImportError:
        runner = asyncio.run
    return runner(_run(port, requests, rate, seconds, connections, grace))
