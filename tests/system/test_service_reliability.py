"""`kefulint serve` against hostile clients and for leaks, for real: slow and half-sent requests
(slowloris) are cut off in bounded time without starving other clients, and the server's own
output never holds the personal data or the text of the messages it checked."""
from __future__ import annotations

import http.client
import json
import re
import select
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from serve_helpers import Served, kefulint_exe

TIMEOUT = 2.0  # --request-timeout for these tests (the default is 10 s)
HEAD = b"POST /v1/check HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"


@pytest.fixture
def server():
    s = Served("--request-timeout", str(TIMEOUT))
    yield s
    s.stop()


def _connect(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT + 10)
    return sock


def _read_until_closed(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection (raises socket.timeout if it
    does not within the socket's timeout)."""
    data = b""
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            return data
        data += chunk


class Staller(threading.Thread):
    """One slow client: sends ``parts`` (with ``gap`` seconds between them after the first), then
    stalls; records when the server closed the connection, counted from its first byte."""

    def __init__(self, port: int, parts: list[bytes], gap: float = 0.0, trickle: bool = False) -> None:
        super().__init__(daemon=True)
        self.port, self.parts, self.gap, self.trickle = port, parts, gap, trickle
        self.closed_after: float | None = None
        self.reply = b""
        self.reset = False
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            sock = _connect(self.port)
            start = time.monotonic()
            for i, part in enumerate(self.parts):
                if i:
                    time.sleep(self.gap)
                    if self.trickle and select.select([sock], [], [], 0)[0]:
                        break  # the server answered (408) while this client was still trickling
                try:
                    sock.sendall(part)
                except OSError:  # closed by the server between the check and the send
                    break
            try:
                self.reply = _read_until_closed(sock)
            except ConnectionResetError:  # a byte sent just after the close: the 408 may be lost
                self.reset = True
            self.closed_after = time.monotonic() - start
            sock.close()
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            self.error = exc


def _normal_request(port: int, i: int) -> tuple[int, float, dict]:
    start = time.monotonic()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("POST", "/v1/check", body=json.dumps({"text": f"亲，第{i}单已发货，有事打我电话13800138000"}).encode(),
                 headers={"Content-Type": "application/json"})
    resp = conn.getresponse()
    body = json.loads(resp.read())
    conn.close()
    return resp.status, time.monotonic() - start, body


def test_slow_and_half_sent_requests_time_out_without_starving_others(server):
    port = server.port
    body = json.dumps({"text": "亲，您好"}).encode()
    full_head = HEAD + f"Content-Length: {len(body)}\r\n\r\n".encode()
    stallers = (
        [Staller(port, []) for _ in range(5)]  # connect, send nothing
        + [Staller(port, [HEAD[:30]]) for _ in range(5)]  # part of the head, then nothing
        + [Staller(port, [bytes([b]) for b in full_head[:40]], gap=0.2, trickle=True) for _ in range(3)]  # slowloris trickle
        + [Staller(port, [full_head + body[:5]]) for _ in range(5)]  # the head, part of the body
        # one good request on a keep-alive connection, then part of a second head
        + [Staller(port, [full_head + body, HEAD[:20]], gap=0.3) for _ in range(2)]
    )
    for s in stallers:
        s.start()
    time.sleep(0.3)  # the stalled connections are open before the normal clients start

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda i: _normal_request(port, i), range(200)))
    assert all(status == 200 for status, _, _ in results)
    assert all(body["findings"] for _, _, body in results)  # really checked, not an error page
    slowest = max(seconds for _, seconds, _ in results)
    assert slowest < 1.0, f"a normal request took {slowest:.2f} s while slow clients were connected"

    for s in stallers:
        s.join(TIMEOUT + 15)
    for s in stallers:
        assert s.error is None, f"{s.parts[:1]!r}: {s.error!r}"
        assert s.closed_after is not None
        # closed by the deadline: not before it, and soon after it (the trickle ran for 8 s)
        assert TIMEOUT - 0.3 <= s.closed_after <= TIMEOUT + 3, (s.parts[:1], s.closed_after)
    for s in stallers:
        if s.parts and not s.reset:  # a client that sent something is told why
            replies = s.reply.split(b"HTTP/1.1 ")
            assert replies[-1].startswith(b"408 "), s.reply
            assert b'"code":"request_timeout"' in replies[-1]
    assert all(b'"findings"' in s.reply for s in stallers[-2:])  # the first request was answered
    status, _, _ = _normal_request(port, 0)
    assert status == 200  # and the server is still fine


def test_a_client_slower_than_the_network_but_within_the_deadline_is_served(server):
    body = json.dumps({"text": "有事打我电话13800138000"}).encode()
    head = HEAD + f"Content-Length: {len(body)}\r\n\r\n".encode()
    sock = _connect(server.port)
    for part in (head[:25], head[25:], body[:10], body[10:]):
        sock.sendall(part)
        time.sleep(TIMEOUT / 4)  # head in 1 s, body in 1 s: each under the deadline
    reply = sock.recv(65536)
    sock.close()
    assert reply.startswith(b"HTTP/1.1 200 ") and b"138****8000" in reply


def test_an_endless_request_head_is_cut_off_at_64_kib(server):
    sock = _connect(server.port)
    # 70 KB of header lines, all of which the server reads (so that closing does not reset the
    # connection and lose the answer), at once: well within the deadline
    sock.sendall(HEAD + b"".join(b"X-Pad-%d: %s\r\n" % (i, b"a" * 1000) for i in range(70)))
    start = time.monotonic()
    reply = _read_until_closed(sock)
    sock.close()
    assert reply.startswith(b"HTTP/1.1 431 ") and b'"code":"head_too_large"' in reply
    assert time.monotonic() - start < TIMEOUT / 2  # the size limit, not the deadline
    assert _normal_request(server.port, 0)[0] == 200
    # a head just under the limit is fine
    head = HEAD + b"".join(b"X-Pad-%d: %s\r\n" % (i, b"a" * 1000) for i in range(60))
    body = json.dumps({"text": "亲，您好"}).encode()
    sock = _connect(server.port)
    sock.sendall(head + f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode() + body)
    assert _read_until_closed(sock).startswith(b"HTTP/1.1 200 ")
    sock.close()


def test_the_deadlines_hold_on_uvicorns_pure_python_parser_too():
    """Without httptools, serve falls back to uvicorn's h11 protocol; the head deadline works there."""
    import asyncio

    import uvicorn
    from kefulint import Linter
    from kefulint.service import ASGIApp, Service
    from kefulint.service.deadlines import head_deadline_protocol
    from uvicorn.protocols.http.h11_impl import H11Protocol

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    port = listener.getsockname()[1]
    config = uvicorn.Config(ASGIApp(Service(Linter.default), body_timeout=1.0), lifespan="off",
                            log_level="warning", http=head_deadline_protocol(H11Protocol, 1.0), loop="asyncio")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=lambda: asyncio.run(server.serve(sockets=[listener])), daemon=True)
    thread.start()
    try:
        deadline = time.time() + 30
        while not server.started and time.time() < deadline:
            time.sleep(0.05)
        body = json.dumps({"text": "亲，您好"}).encode()
        head = HEAD + f"Content-Length: {len(body)}\r\n\r\n".encode()
        stallers = [Staller(port, []), Staller(port, [HEAD[:30]]), Staller(port, [head + body[:4]]),
                    Staller(port, [head + body, HEAD[:20]], gap=0.3)]
        for s in stallers:
            s.start()
        for s in stallers:
            s.join(15)
        for s in stallers:
            assert s.error is None and s.closed_after is not None and 0.7 <= s.closed_after <= 4, s.closed_after
            assert s.reply.split(b"HTTP/1.1 ")[-1].startswith(b"408 ")
        assert stallers[-1].reply.startswith(b"HTTP/1.1 200 ")
    finally:
        server.should_exit = True
        thread.join(15)
        listener.close()


def test_request_timeout_from_the_config_section(tmp_path):
    cfg = tmp_path / "kefulint.toml"
    cfg.write_text("[serve]\nrequest-timeout = 1\n", encoding="utf-8")
    s = Served("--config", str(cfg))
    try:
        sock = _connect(s.port)
        sock.sendall(HEAD[:30])
        start = time.monotonic()
        reply = _read_until_closed(sock)
        assert reply.startswith(b"HTTP/1.1 408 ") and 0.7 <= time.monotonic() - start <= 4
    finally:
        s.stop()


def test_request_timeout_must_be_positive(tmp_path):
    cfg = tmp_path / "kefulint.toml"
    cfg.write_text('[serve]\nrequest-timeout = "10"\n', encoding="utf-8")
    proc = subprocess.run([kefulint_exe(), "serve", "--config", str(cfg)], capture_output=True, text=True,
                          timeout=60, check=False)
    assert proc.returncode == 2 and "kefulint.toml:2: 'serve.request-timeout' must be a number > 0, not '10'" in proc.stderr
    proc = subprocess.run([kefulint_exe(), "serve", "--request-timeout", "0"], capture_output=True, text=True,
                          timeout=60, check=False)
    assert proc.returncode == 2 and "--request-timeout" in proc.stderr


# --- nothing leaks into the service's own output ----------------------------------------------

MOBILE = "13912345678"
CARD = "6226221177774129"  # Luhn-valid
ID_NUMBER = "440301199003071230"  # valid checksum
QQ = "2837461950"
SECRETS = (MOBILE, CARD, ID_NUMBER, QQ)
MARKER = "草稿标记七号"  # plain message text with no personal data
REPLY = f"{MARKER}有事打我电话{MOBILE}，转账到卡号{CARD}，身份证{ID_NUMBER}，加我扣扣 {QQ}"


@pytest.mark.parametrize("extra", [[], ["--show-matches"]])
def test_service_output_holds_no_personal_data_nor_message_text(tmp_path, extra):
    out_path, err_path = tmp_path / "stdout", tmp_path / "stderr"
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        proc = subprocess.Popen([kefulint_exe(), "serve", "--port", "0", "--request-timeout", "1", *extra],
                                stdout=out, stderr=err)
        try:
            port = _wait_for_port(err_path, proc)
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)

            def post(path: str, raw: bytes, content_type: str = "application/json") -> tuple[int, bytes]:
                conn.request("POST", path, body=raw, headers={"Content-Type": content_type})
                resp = conn.getresponse()
                return resp.status, resp.read()

            body = json.dumps({"text": REPLY, "context": [f"我的QQ是{QQ}"], "agent": MOBILE},
                              ensure_ascii=False).encode()
            status, answer = post("/v1/check", body)
            assert status == 200
            findings = json.loads(answer)["findings"]
            assert {f["rule"].split(".")[0] for f in findings} >= {"contact"}
            batch = json.dumps({"items": [{"text": REPLY}] * 3}, ensure_ascii=False).encode()
            assert post("/v1/check/batch", batch)[0] == 200
            # and on every error path
            assert post("/v1/check", body[:-3])[0] == 400  # invalid JSON
            assert post("/v1/check", body, "text/plain")[0] == 415
            assert post(f"/v1/{MOBILE}", body)[0] == 404
            assert post("/v1/check", b'{"text": "' + CARD.encode() * 5000 + b'"}')[0] == 413
            conn.close()
            for raw in (  # broken HTTP and half-sent requests with the numbers in them
                f"POST /v1/check?q={ID_NUMBER} HTTP/1.1\r\nHost: x\r\nX-QQ: {QQ}\r\nContent-Length: zz\r\n\r\n",
                f"GARBAGE {CARD} {MOBILE}\r\n\r\n",
                (f"POST /v1/check HTTP/1.1\r\nHost: x\r\nX-Id: {ID_NUMBER}\r\nContent-Length: 999\r\n\r\n"
                 f'{{"text": "{REPLY}'),
                f"POST /v1/check HTTP/1.1\r\nHost: x\r\nX-Card: {CARD}",
            ):
                sock = _connect(port)
                sock.sendall(raw.encode())
                _read_until_closed(sock)
                sock.close()
            assert post_ok(port)
        finally:
            proc.send_signal(signal.SIGINT)
            proc.wait(15)
    logged = out_path.read_text("utf-8", "replace") + err_path.read_text("utf-8", "replace")
    assert "listening on http://127.0.0.1:" in logged  # the capture works
    assert "Invalid HTTP request" in logged  # uvicorn's warnings are captured too
    compact = "".join(logged.split())
    for secret in SECRETS:
        assert secret not in compact, f"{secret} in the service's output:\n{logged}"
    assert MARKER not in logged and "有事打我电话" not in logged, "message text is never logged"


def post_ok(port: int) -> bool:
    return _normal_request(port, 1)[0] == 200


def _wait_for_port(err_path, proc) -> int:
    deadline = time.time() + 60
    while time.time() < deadline:
        found = re.search(r"listening on http://[^:]+:(\d+)/", err_path.read_text("utf-8", "replace"))
        if found:
            return int(found.group(1))
        if proc.poll() is not None:
            raise AssertionError("serve exited: " + err_path.read_text("utf-8", "replace"))
        time.sleep(0.05)
    raise AssertionError("serve did not start")


@pytest.mark.slow
def test_soak_benchmark_runs_without_errors():
    """benchmarks/soak_service.py for 5 s (the 60 s figures are in docs/reliability.md): every
    request answered, and the RSS table printed. Memory is judged only by the full run."""
    script = Path(__file__).resolve().parents[2] / "benchmarks" / "soak_service.py"
    proc = subprocess.run([sys.executable, str(script), "--seconds", "5", "--warmup", "1", "--rate", "500"],
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    row = re.search(r"^\|\s+(\d+) \|\s+(\d+) \|\s+(\d+) \|", proc.stdout, re.MULTILINE)
    assert row and row.groups() == ("2500", "2500", "0"), proc.stdout
    assert "server RSS, MB" in proc.stdout and "server healthy after: True" in proc.stdout
