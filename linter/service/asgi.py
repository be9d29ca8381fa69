"""ASGI adapter: turns a :class:`Service` into an ASGI application (``kefulint serve`` runs it
under uvicorn; see docs/api.md for why). Only plumbing: the body limit is enforced while
reading, a body that does not arrive in full within ``body_timeout`` seconds gets a 408 and the
connection is closed (the request head has its own deadline, see ``deadlines.py``), and the slow
endpoints run in a worker thread so that the event loop keeps serving."""
from __future__ import annotations

import asyncio

from .app import Request, Response, Service, timed_out, too_large

# a single check takes tens of microseconds: cheaper inline than a hop to a thread
_THREADED = frozenset({"/v1/reload", "/v1/check/batch"})
DEFAULT_REQUEST_TIMEOUT = 10.0


class ASGIApp:
    def __init__(self, service: Service, body_timeout: float = DEFAULT_REQUEST_TIMEOUT) -> None:
        self.service = service
        self.body_timeout = body_timeout

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http":
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        limit = self.service.max_body
        try:
            body = await asyncio.wait_for(_read_body(receive, headers, limit), self.body_timeout)
        except TimeoutError:
            await _send(send, timed_out(self.body_timeout))
            return
        if body is None:
            await _send(send, too_large(limit))
            return
        request = Request(
            method=scope["method"],
            path=scope["path"],
            query=scope.get("query_string", b"").decode("latin-1"),
            headers=headers,
            body=body,
        )
        if request.path in _THREADED and request.method == "POST":
            response = await asyncio.to_thread(self.service.handle, request)
        else:
            response = self.service.handle(request)
        await _send(send, response)


async def _read_body(receive, headers: dict[str, str], limit: int) -> bytes | None:
    """The request body, or None as soon as it is known to exceed ``limit`` bytes."""
    declared = headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return None
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


async def _send(send, response: Response) -> None:
    length = len(response.body) if response.content_length is None else response.content_length
    headers = [(b"content-type", response.content_type.encode()),
               (b"content-length", str(length).encode()),
               (b"x-content-type-options", b"nosniff")]
    headers += [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in response.headers]
    await send({"type": "http.response.start", "status": response.status, "headers": headers})
    await send({"type": "http.response.body", "body": response.body})
