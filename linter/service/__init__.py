"""The local HTTP service behind ``kefulint serve``: a pure :class:`Service` (routes, validation,
token, reload) and an ASGI adapter for it. Nothing here opens a socket."""
from __future__ import annotations

from .app import DEFAULT_MAX_BODY, MAX_BATCH, Request, Response, Service, valid_token
from .asgi import ASGIApp

__all__ = ["DEFAULT_MAX_BODY", "MAX_BATCH", "ASGIApp", "Request", "Response", "Service", "valid_token"]
