"""``kefulint serve``: the local HTTP service and the draft page, run under uvicorn."""
from __future__ import annotations

import ipaddress
import os
import signal
import socket
import sys
import threading

import click
from kefulint.cli.common import cli_overrides, fail, validate_disable
from kefulint.cli.options import linter_options
from kefulint.config import ConfigError, ServeOptions, load_config, load_settings
from kefulint.engine import Linter
from kefulint.errors import RulesetError
from kefulint.service import DEFAULT_MAX_BODY, ASGIApp, Service, valid_token
from kefulint.service.asgi import DEFAULT_REQUEST_TIMEOUT

TOKEN_ENV = "KEFULINT_TOKEN"


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name other than localhost may resolve anywhere


def _linter_loader(config_path, overrides: dict):
    """A function that builds the Linter from the config file and rulesets as they are now;
    serve calls it at start and again on every reload."""

    def load() -> Linter:
        return Linter.from_settings(load_settings(config_path, **overrides))

    errors: tuple[type[BaseException], ...] = (RulesetError, ConfigError, OSError)
    return load, errors


def _serve_options(config_path) -> ServeOptions:
    """The ``[serve]`` table, checked by the config loader with every other table."""
    try:
        return load_config(config_path).serve
    except ConfigError as exc:
        fail("invalid config:\n  " + "\n  ".join(exc.errors))


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host.strip("[]"), port))
    except OSError as exc:
        sock.close()
        fail(f"cannot listen on {host}:{port}: {exc.strerror} (无法监听该地址)")
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


@click.command("serve")
@linter_options
@click.option("--host", default=None, help="Address to bind (default 127.0.0.1). 监听地址")
@click.option("--port", type=click.IntRange(0, 65535), default=None,
              help="Port (default 8765; 0 picks a free one). 端口")
@click.option("--token", envvar=TOKEN_ENV, default=None, show_envvar=True,
              help="Token every request must carry (Authorization: Bearer …); required off loopback. 访问令牌")
@click.option("--max-body", type=click.IntRange(1, None), default=None,
              help=f"Largest request body in bytes (default {DEFAULT_MAX_BODY}). 请求体上限")
@click.option("--show-matches", is_flag=True, default=None,
              help="Return personal data unmasked in findings. 不遮盖个人信息")
@click.option("--request-timeout", type=click.FloatRange(0, None, min_open=True), default=None,
              help=f"Seconds a client has to send a request's head, and again its body, before it gets "
                   f"408 and is disconnected (default {DEFAULT_REQUEST_TIMEOUT:g}). 请求发送时限（秒）")
def serve(config_path, rulesets, disable, platform, host, port, token, max_body, show_matches,
          request_timeout) -> None:
    """Serve the check API and the draft page. 启动本地检查服务与草稿检查页面。

    \b
    POST /v1/check        {"text": "...", "context": [...], "agent": "..."}
    POST /v1/check/batch  {"items": [{"text": "..."}, ...]}
    GET  /v1/rules   GET /healthz   GET /openapi.json   GET / (page)
    POST /v1/reload  (or send SIGHUP) reloads config and rulesets.
    """
    try:
        import uvicorn
    except ImportError:
        fail("serve needs uvicorn: pip install uvicorn (it is a dependency of kefulint; reinstall kefulint)")
    options = _serve_options(config_path)
    host = host or options.host or "127.0.0.1"
    port = next(p for p in (port, options.port, 8765) if p is not None)
    max_body = max_body or options.max_body or DEFAULT_MAX_BODY
    show = bool(next(s for s in (show_matches, options.show_matches, False) if s is not None))
    request_timeout = float(request_timeout or options.request_timeout or DEFAULT_REQUEST_TIMEOUT)
    if token is not None and not valid_token(token):
        fail("--token must be at least 16 printable ASCII characters without spaces, ';', ',', '\"' or '\\'")
    if not token and not is_loopback(host):
        fail(f"refusing to listen on {host} without a token: pass --token or set {TOKEN_ENV} "
             "(非本机地址必须设置访问令牌)")

    validate_disable(config_path, rulesets, disable)
    overrides = cli_overrides(rulesets, disable, platform)
    load, reload_errors = _linter_loader(config_path, overrides)

    def log(message: str) -> None:
        click.echo(f"kefulint serve: {message}", err=True)

    try:
        service = Service(load, token=token, max_body=max_body, show_matches=show, log=log,
                          reload_errors=reload_errors)
    except reload_errors as exc:
        fail("cannot load rules:\n  " + "\n  ".join(getattr(exc, "errors", None) or [str(exc)]))
    service.warm()

    if hasattr(signal, "SIGHUP"):
        def on_sighup(signum, frame) -> None:
            # rebuild off the event loop; requests keep being served on the old rules meanwhile
            threading.Thread(target=service.reload, name="kefulint-reload", daemon=True).start()

        signal.signal(signal.SIGHUP, on_sighup)

    sock = _bind(host, port)
    bound = sock.getsockname()[1]
    shown = f"[{host.strip('[]')}]" if ":" in host else host
    log(f"{len(service.linter.rules)} rules; listening on http://{shown}:{bound}/ "
        f"(pid {os.getpid()}; Ctrl+C to stop, SIGHUP or POST /v1/reload to reload rules)")
    config = uvicorn.Config(
        ASGIApp(service, body_timeout=request_timeout),
        lifespan="off",
        access_log=False,  # the text of a message is never logged
        log_level="warning",
        server_header=False,
        timeout_keep_alive=30,  # idle keep-alive connections; slow requests: request_timeout
        **_fast_parts(request_timeout),
    )
    server = uvicorn.Server(config)
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
    sys.exit(0)


def _fast_parts(request_timeout: float) -> dict:
    """httptools and uvloop when installed (they are in the serve extra); uvicorn's pure-Python
    parts otherwise. Either HTTP protocol gets the request-head deadline."""
    import importlib.util

    from kefulint.service.deadlines import head_deadline_protocol

    base: type
    if importlib.util.find_spec("httptools"):
        from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

        base = HttpToolsProtocol
    else:
        from uvicorn.protocols.http.h11_impl import H11Protocol

        base = H11Protocol
    parts: dict = {"http": head_deadline_protocol(base, request_timeout)}
    if importlib.util.find_spec("uvloop"):
        parts["loop"] = "uvloop"
    return parts
