"""The HTTP service as a pure object: ``Service.handle(request) -> Response``.

No sockets and no server library here: the adapter in ``asgi.py`` (run by ``kefulint serve``)
and the tests call :meth:`Service.handle` directly. The compiled rules sit behind one reference;
:meth:`Service.reload` builds a new :class:`~kefulint.Linter` first and then swaps that reference,
so a request already running finishes on the rules it started with and nothing is dropped.
"""
from __future__ import annotations

import hmac
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from urllib.parse import parse_qs

from .. import __version__
from ..engine import Linter
from ..errors import RulesetError, nearest
from ..rules.platforms import PLATFORM_NAMES
from ..text.roles import UnknownRole, role_of
from .openapi import openapi_document
from .pages import page_html, token_page

DEFAULT_MAX_BODY = 64 * 1024
MAX_BATCH = 1000
TOKEN_COOKIE = "kefulint_token"
_CHECK_FIELDS = ("text", "context", "agent", "platform", "model")
_JSON_TYPES = ("application/json",)

# the page may run only its own inline code and talk only to this service
PAGE_HEADERS = (
    ("Content-Security-Policy", ("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
                                "connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; "
                                "frame-ancestors 'none'")),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "no-referrer"),
    ("Cache-Control", "no-store"),
)

# path -> allowed methods (for 405 and the Allow header); HEAD answers as GET, without the body
ROUTES: dict[str, tuple[str, ...]] = {
    "/": ("GET", "HEAD"),
    "/healthz": ("GET", "HEAD"),
    "/openapi.json": ("GET", "HEAD"),
    "/v1/rules": ("GET", "HEAD"),
    "/v1/check": ("POST",),
    "/v1/check/batch": ("POST",),
    "/v1/reload": ("POST",),
}


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: str = ""
    headers: dict[str, str] = field(default_factory=dict)  # lower-case names
    body: bytes = b""


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes
    content_type: str = "application/json; charset=utf-8"
    headers: tuple[tuple[str, str], ...] = ()
    content_length: int | None = None  # a HEAD response: the length of the body GET would send

    @property
    def json(self):
        return json.loads(self.body)


class HTTPError(Exception):
    def __init__(self, status: int, code: str, message: str, details: list[str] | None = None,
                 headers: tuple[tuple[str, str], ...] = ()) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.details = details or []
        self.headers = headers


def _json(status: int, payload, headers: tuple[tuple[str, str], ...] = ()) -> Response:
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    return Response(status, body, headers=headers)


def error_response(exc: HTTPError) -> Response:
    payload = {"error": {"status": exc.status, "code": exc.code, "message": exc.message}}
    if exc.details:
        payload["error"]["details"] = exc.details
    return _json(exc.status, payload, exc.headers)


def too_large(limit: int) -> Response:
    """The 413 response; the adapter sends it as soon as a body passes ``limit`` bytes."""
    return error_response(HTTPError(
        413, "body_too_large", f"request body is larger than {limit} bytes (请求体超过 {limit} 字节)"))


def timed_out(seconds: float) -> Response:
    """The 408 response for a request whose head or body did not arrive within ``seconds``; the
    connection is closed after it."""
    return error_response(HTTPError(
        408, "request_timeout", f"request not received in full within {seconds:g} s (请求未在 {seconds:g} 秒内发送完整)",
        headers=(("Connection", "close"),)))


class Service:
    """Routes, validation, token check and hot reload over a swappable Linter.

    ``load`` builds a Linter from the current configuration (it is called again on reload and may
    raise :class:`RulesetError` or a config error); ``log`` receives operator messages (reload
    results) and never the text of a message.
    """

    def __init__(
        self,
        load: Callable[[], Linter],
        *,
        token: str | None = None,
        max_body: int = DEFAULT_MAX_BODY,
        show_matches: bool = False,
        log: Callable[[str], None] = lambda message: None,
        reload_errors: tuple[type[BaseException], ...] = (RulesetError,),
    ) -> None:
        self._load = load
        self._token = token.encode() if token else None
        self.max_body = max_body
        self.show_matches = show_matches
        self._log = log
        self._reload_errors = reload_errors
        self._reload_lock = threading.Lock()
        self.linter = load()  # the one reference that reload swaps
        self._by_platform: dict[tuple[int, str], Linter] = {}  # the same rules judged as sent elsewhere
        self._platform_lock = threading.Lock()
        self.loaded_at = time.time()
        self.reloads = 0
        self.last_reload_error: list[str] | None = None

    # reload ------------------------------------------------------------------------------
    def warm(self, linter: Linter | None = None) -> None:
        """Load jieba now rather than on the first request that needs a word boundary."""
        (linter or self.linter).segmenter.cut("预热")

    def reload(self) -> Response:
        """Rebuild the rules; on failure keep serving the old ones and report why."""
        with self._reload_lock:
            try:
                new = self._load()
                self.warm(new)
            except self._reload_errors as exc:
                errors = list(getattr(exc, "errors", None) or [str(exc)])
                self.last_reload_error = errors
                self._log("reload failed, still serving the previous rules:\n  " + "\n  ".join(errors))
                return error_response(HTTPError(
                    422, "reload_failed",
                    "reload failed; still serving the previous rules (重新加载失败，继续使用原规则)",
                    errors))
            self.linter = new
            self._by_platform = {}
            self.loaded_at = time.time()
            self.reloads += 1
            self.last_reload_error = None
            self._log(f"rules reloaded: {len(new.rules)} rules")
            return _json(200, {"reloaded": True, "rules": len(new.rules)})

    # dispatch ----------------------------------------------------------------------------
    def handle(self, request: Request) -> Response:
        if request.method == "HEAD":
            got = self.handle(replace(request, method="GET"))
            return replace(got, body=b"", content_length=len(got.body))
        try:
            return self._dispatch(request)
        except HTTPError as exc:
            if exc.status == 401 and _wants_html(request):
                return Response(401, token_page(), "text/html; charset=utf-8", exc.headers + PAGE_HEADERS)
            return error_response(exc)

    def _dispatch(self, req: Request) -> Response:
        extra: tuple[tuple[str, str], ...] = ()
        if self._token is not None:
            extra = self._authorize(req, self._token)
        methods = ROUTES.get(req.path)
        if methods is None:
            raise HTTPError(404, "not_found", f"no such path: {req.path} (路径不存在)")
        if req.method not in methods:
            raise HTTPError(405, "method_not_allowed",
                            f"{req.method} is not allowed on {req.path}; use {', '.join(methods)} (请求方法不允许)",
                            headers=(("Allow", ", ".join(methods)),))
        if req.method == "POST" and not (req.path == "/v1/reload" and not req.body):
            self._check_body(req)  # a bare POST /v1/reload (curl -X POST) has nothing to type
        if req.path == "/v1/check":
            return self._check(req)
        if req.path == "/v1/check/batch":
            return self._batch(req)
        if req.path == "/healthz":
            return self._health()
        if req.path == "/v1/rules":
            return self._rules()
        if req.path == "/openapi.json":
            return _json(200, openapi_document(__version__, self.max_body, MAX_BATCH))
        if req.path == "/v1/reload":
            return self.reload()
        return Response(200, page_html(), "text/html; charset=utf-8", extra + PAGE_HEADERS)

    def _authorize(self, req: Request, token: bytes) -> tuple[tuple[str, str], ...]:
        """Bearer header, X-Kefulint-Token header or the page's cookie; ``GET /?token=`` sets
        the cookie (as Jupyter does) so that the page's own requests carry it."""
        offered = []
        auth = req.headers.get("authorization", "")
        if auth[:7].lower() == "bearer ":
            offered.append(auth[7:].strip())
        if "x-kefulint-token" in req.headers:
            offered.append(req.headers["x-kefulint-token"].strip())
        for part in req.headers.get("cookie", "").split(";"):
            name, _, value = part.strip().partition("=")
            if name == TOKEN_COOKIE:
                offered.append(value)
        from_query = req.path == "/" and req.method in ("GET", "HEAD") and parse_qs(req.query).get("token", [""])[0]
        if from_query:
            offered.append(from_query)
        # compare every offered value so the time taken does not tell which one was close
        ok = False
        for value in offered:
            ok |= hmac.compare_digest(value.encode(), token)
        if not ok:
            raise HTTPError(401, "unauthorized",
                            "missing or wrong token: send 'Authorization: Bearer <token>' (缺少或错误的令牌)",
                            headers=(("WWW-Authenticate", "Bearer"),))
        if from_query:
            return (("Set-Cookie", f"{TOKEN_COOKIE}={token.decode()}; HttpOnly; SameSite=Strict; Path=/"),)
        return ()

    def _check_body(self, req: Request) -> None:
        if len(req.body) > self.max_body:
            raise HTTPError(413, "body_too_large",
                            f"request body is larger than {self.max_body} bytes (请求体超过 {self.max_body} 字节)")
        ctype = req.headers.get("content-type", "").split(";")[0].strip().lower()
        # a JSON content type also makes a browser ask (CORS preflight) before another site's
        # page can post here; we never answer that preflight
        if ctype not in _JSON_TYPES:
            raise HTTPError(415, "unsupported_media_type",
                            "send the body as JSON with 'Content-Type: application/json' (请以 JSON 发送)")

    # endpoints ---------------------------------------------------------------------------
    def _body(self, req: Request):
        if req.path == "/v1/reload" and not req.body:
            return {}
        try:
            return json.loads(req.body.decode("utf-8"))
        except UnicodeDecodeError as exc:
            raise HTTPError(400, "invalid_json",
                            f"body is not UTF-8: {exc.reason} at byte {exc.start} (请求体不是 UTF-8)") from None
        except json.JSONDecodeError as exc:
            raise HTTPError(400, "invalid_json",
                            f"body is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno} (请求体不是合法的 JSON)") from None

    def _check(self, req: Request) -> Response:
        item = _validate_item(self._body(req), "")
        return _json(200, self._result(self.linter, item))

    def _for_platform(self, linter: Linter, platform: str | None) -> Linter:
        """``linter``'s rules judged as sent on ``platform`` (built once per platform and rules)."""
        if not platform or platform == linter.settings.platform:
            return linter
        key = (id(linter), platform)
        found = self._by_platform.get(key)
        if found is None:
            with self._platform_lock:
                found = self._by_platform.get(key)
                if found is None:
                    found = Linter(linter.rules, linter.settings._replace(platform=platform))
                    self._by_platform = {**self._by_platform, key: found}
        return found

    def _batch(self, req: Request) -> Response:
        body = self._body(req)
        if not isinstance(body, dict):
            raise HTTPError(400, "invalid_request", "body must be a JSON object {\"items\": [...]} (请求体必须是对象)",
                            [f"body: expected an object, got {_kind(body)}"])
        unknown = sorted(set(body) - {"items"})
        problems = [f"unknown field '{k}' (allowed: items)" for k in unknown]
        items = body.get("items")
        if not isinstance(items, list):
            problems.append("items: required, a list of {text, context?, agent?} objects")
        elif len(items) > MAX_BATCH:
            problems.append(f"items: at most {MAX_BATCH} per request, got {len(items)}")
        if problems or not isinstance(items, list):
            raise HTTPError(400, "invalid_request", "invalid batch request (批量请求字段有误)", problems)
        checked = []
        problems = []
        for i, raw in enumerate(items):
            try:
                checked.append(_validate_item(raw, f"items[{i}]."))
            except HTTPError as exc:
                problems.extend(exc.details)
        if problems:
            raise HTTPError(400, "invalid_request", "invalid batch request (批量请求字段有误)", problems)
        linter = self.linter  # one rule set for the whole batch even if a reload lands meanwhile
        results = [self._result(linter, item) for item in checked]
        return _json(200, {"count": len(results), "results": results})

    def _result(self, linter: Linter, item: dict) -> dict:
        linter = self._for_platform(linter, item.get("platform"))
        result = linter.check(item["text"], context=item.get("context"))
        if item.get("model") and not linter.use_model:
            result = linter.add_model_findings(result)
        elif item.get("model") is False and linter.use_model:
            kept = tuple(f for f in result.findings if f.probability is None)
            result = result._replace(findings=kept,
                                     blocked=any(f.severity >= linter.settings.fail_on for f in kept))
        out = result.to_dict(self.show_matches)  # personal data masked, in suggested_text too
        if "agent" in item:
            out["agent"] = item["agent"]
        return out

    def _health(self) -> Response:
        linter = self.linter
        return _json(200, {
            "status": "ok",
            "version": __version__,
            "rules": len(linter.rules),
            "loaded_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(self.loaded_at)),
            "reloads": self.reloads,
            "last_reload_error": self.last_reload_error,
        })

    def _rules(self) -> Response:
        rules = [
            {
                "id": r.id, "kind": r.kind, "category": r.category, "ruleset": r.ruleset, "severity": r.severity.value,
                "points": r.points, "message": r.message, "suggestion": r.suggestion,
                "reference": r.reference, "fatal": r.fatal, "sensitive": r.sensitive, "fix": r.fix,
            }
            for r in self.linter.rules
        ]
        return _json(200, {"count": len(rules), "rules": rules})


def _validate_item(raw, where: str) -> dict:
    if not isinstance(raw, dict):
        raise HTTPError(400, "invalid_request", "body must be a JSON object {\"text\": ...} (请求体必须是对象)",
                        [f"{where.rstrip('.') or 'body'}: expected an object, got {_kind(raw)}"])
    problems = [f"{where}{k}: unknown field (allowed: {', '.join(_CHECK_FIELDS)})" for k in sorted(set(raw) - set(_CHECK_FIELDS))]
    text = raw.get("text")
    if "text" not in raw:
        problems.append(f"{where}text: required")
    elif not isinstance(text, str):
        problems.append(f"{where}text: expected a string, got {_kind(text)}")
    context = raw.get("context")
    if context is not None:
        if not isinstance(context, list):
            problems.append(f"{where}context: expected a list of strings or {{role, text}} objects, got {_kind(context)}")
        else:
            for i, turn in enumerate(context):
                if isinstance(turn, str):
                    continue
                if not isinstance(turn, dict) or not isinstance(turn.get("text"), str) or not isinstance(turn.get("role", ""), str) \
                        or set(turn) - {"role", "text"}:
                    problems.append(f"{where}context[{i}]: expected a string or {{\"role\": str, \"text\": str}}")
                elif "role" in turn and role_of(turn["role"]) is None:
                    problems.append(f"{where}context[{i}].role: {UnknownRole(turn['role'])}")
    if "agent" in raw and not isinstance(raw["agent"], str):
        problems.append(f"{where}agent: expected a string, got {_kind(raw['agent'])}")
    if "platform" in raw and raw["platform"] not in PLATFORM_NAMES:
        got = raw["platform"]
        problems.append(f"{where}platform: expected one of {', '.join(PLATFORM_NAMES)}, got "
                        + (repr(got) + nearest(got, PLATFORM_NAMES) if isinstance(got, str) else _kind(got)))
    if "model" in raw and not isinstance(raw["model"], bool):
        problems.append(f"{where}model: expected true or false, got {_kind(raw['model'])}")
    if problems:
        raise HTTPError(400, "invalid_request", "invalid request fields (请求字段有误)", problems)
    return raw


def _kind(value) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean", type(None): "null",
            int: "a number", float: "a number"}.get(type(value), type(value).__name__)


def _wants_html(req: Request) -> bool:
    """A browser opening a page (not a program calling the API)."""
    return req.method == "GET" and req.path == "/" and "text/html" in req.headers.get("accept", "")


def valid_token(token: str) -> bool:
    """A token must be printable ASCII without spaces or ';' (it travels in headers and a cookie)
    and at least 16 characters long."""
    return len(token) >= 16 and all(33 <= ord(ch) < 127 and ch not in ';,"\\' for ch in token)
