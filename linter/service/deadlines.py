"""A deadline and a size limit for the request head, added to uvicorn's HTTP protocol (imported
only by serve).

uvicorn bounds only the idle time between keep-alive requests, and any byte received cancels that
timer: a client that opens a connection and sends nothing, or trickles a request head a byte at a
time (slowloris), holds the connection for ever. Here the whole head must arrive within
``seconds`` of the connection opening or of its first byte; otherwise the server answers 408 and
closes the connection. The body has its own deadline in the ASGI adapter (``asgi.py``).

httptools accepts a request head of any size (h11 stops at 16 KiB), so a head still incomplete
after ``MAX_HEAD`` bytes gets 431 and the connection is closed.
"""
from __future__ import annotations

import asyncio

from .app import HTTPError, Response, error_response, timed_out

MAX_HEAD = 64 * 1024


def _raw(status_line: bytes, response: Response) -> bytes:
    return (b"HTTP/1.1 " + status_line + b"\r\ncontent-type: " + response.content_type.encode()
            + b"\r\ncontent-length: " + str(len(response.body)).encode()
            + b"\r\nconnection: close\r\n\r\n" + response.body)


def head_deadline_protocol(base: type[asyncio.Protocol], seconds: float) -> type[asyncio.Protocol]:
    """A subclass of uvicorn's ``base`` protocol (httptools or h11) with the head deadline. Both
    create a new request cycle, synchronously inside ``data_received``, once a head is complete."""
    late = _raw(b"408 Request Timeout", timed_out(seconds))
    too_large = _raw(b"431 Request Header Fields Too Large", error_response(HTTPError(
        431, "head_too_large", f"request head is larger than {MAX_HEAD} bytes (请求头超过 {MAX_HEAD} 字节)")))

    class HeadDeadlineProtocol(base):  # type: ignore[misc, valid-type]
        _head_timer: asyncio.TimerHandle | None = None
        _head_bytes = 0

        def connection_made(self, transport) -> None:
            super().connection_made(transport)
            self._arm_head_deadline()

        def data_received(self, data: bytes) -> None:
            before = self.cycle
            if self._head_timer is None and (before is None or before.response_complete):
                self._arm_head_deadline()  # the first byte of a new request
            self._head_bytes += len(data)
            super().data_received(data)
            if self.cycle is not before:
                self._cancel_head_deadline()  # its head is complete
            elif self._head_timer is not None and self._head_bytes > MAX_HEAD:
                self._cancel_head_deadline()
                self._reject(too_large)

        def connection_lost(self, exc) -> None:
            self._cancel_head_deadline()
            super().connection_lost(exc)

        def _arm_head_deadline(self) -> None:
            self._head_bytes = 0
            self._head_timer = self.loop.call_later(seconds, self._head_timed_out)

        def _cancel_head_deadline(self) -> None:
            if self._head_timer is not None:
                self._head_timer.cancel()
                self._head_timer = None

        def _head_timed_out(self) -> None:
            self._head_timer = None
            self._reject(late)

        def _reject(self, reply: bytes) -> None:
            if not self.transport.is_closing():
                self.transport.write(reply)
                self.transport.close()

    HeadDeadlineProtocol.__name__ = HeadDeadlineProtocol.__qualname__ = f"HeadDeadline{base.__name__}"
    return HeadDeadlineProtocol
