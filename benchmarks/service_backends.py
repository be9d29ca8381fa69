"""The same kefulint Service behind different server libraries, for choosing one by measurement
(bench_service.py --compare). ``kefulint serve`` itself runs the winner (uvicorn; see docs/api.md).

    python benchmarks/service_backends.py {stdlib,waitress,aiohttp,uvicorn,uvicorn-pure} --port 0
"""
from __future__ import annotations

import argparse
import sys

from kefulint import Linter
from kefulint.service import ASGIApp, Service
from kefulint.service.app import Request

BACKENDS = ("stdlib", "waitress", "aiohttp", "uvicorn", "uvicorn-pure")


def _announce(port: int) -> None:
    print(f"listening on http://127.0.0.1:{port}/", file=sys.stderr, flush=True)


def run_stdlib(service: Service, port: int) -> None:
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # as the asyncio servers do; else replies wait on delayed ACKs

        def _handle(self) -> None:
            path, _, query = self.path.partition("?")
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            headers = {k.lower(): v for k, v in self.headers.items()}
            resp = service.handle(Request(self.command, path, query, headers, body))
            self.send_response(resp.status)
            self.send_header("Content-Type", resp.content_type)
            self.send_header("Content-Length", str(len(resp.body)))
            for k, v in resp.headers:
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(resp.body)

        do_GET = do_POST = _handle

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    _announce(server.server_address[1])
    server.serve_forever()


def _wsgi(service: Service):
    def app(environ, start_response):
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        headers = {k[5:].replace("_", "-").lower(): v for k, v in environ.items() if k.startswith("HTTP_")}
        if "CONTENT_TYPE" in environ:
            headers["content-type"] = environ["CONTENT_TYPE"]
        resp = service.handle(Request(environ["REQUEST_METHOD"], environ["PATH_INFO"],
                                      environ.get("QUERY_STRING", ""), headers, body))
        start_response(f"{resp.status} X", [("Content-Type", resp.content_type),
                                            ("Content-Length", str(len(resp.body))), *resp.headers])
        return [resp.body]

    return app


def run_waitress(service: Service, port: int) -> None:
    from waitress.server import create_server

    server = create_server(_wsgi(service), host="127.0.0.1", port=port, threads=4)
    _announce(server.effective_port)
    server.run()


def run_aiohttp(service: Service, port: int) -> None:
    import asyncio

    from aiohttp import web

    async def handler(request: web.Request) -> web.Response:
        body = await request.read()
        headers = {k.lower(): v for k, v in request.headers.items()}
        resp = service.handle(Request(request.method, request.path, request.query_string, headers, body))
        return web.Response(status=resp.status, body=resp.body, headers=dict(resp.headers),
                            content_type=resp.content_type.split(";")[0], charset="utf-8")

    async def main() -> None:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", handler)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", port)
        await site.start()
        _announce(site._server.sockets[0].getsockname()[1])
        await asyncio.Event().wait()

    asyncio.run(main())


def run_uvicorn(service: Service, port: int, fast: bool) -> None:
    import socket

    import uvicorn

    sock = socket.socket()
    sock.bind(("127.0.0.1", port))
    _announce(sock.getsockname()[1])
    parts = {"http": "httptools", "loop": "uvloop"} if fast else {"http": "h11", "loop": "asyncio"}
    uvicorn.Server(uvicorn.Config(ASGIApp(service), lifespan="off", access_log=False, log_level="warning",
                                  **parts)).run(sockets=[sock])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("backend", choices=BACKENDS)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    service = Service(Linter.default)
    service.warm()
    if args.backend == "stdlib":
        run_stdlib(service, args.port)
    elif args.backend == "waitress":
        run_waitress(service, args.port)
    elif args.backend == "aiohttp":
        run_aiohttp(service, args.port)
    else:
        run_uvicorn(service, args.port, fast=args.backend == "uvicorn")


if __name__ == "__main__":
    main()
