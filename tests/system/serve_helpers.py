"""Runs `kefulint serve --port 0` as a child process for tests (tests/system/test_service.py,
tests/system/test_page_browser.py)."""
from __future__ import annotations

import http.client
import json
import os
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path


def kefulint_exe() -> str:
    beside = Path(sys.executable).with_name("kefulint")
    return str(beside) if beside.exists() else "kefulint"


class Served:
    def __init__(self, *args: str, env: dict | None = None) -> None:
        self.proc = subprocess.Popen([kefulint_exe(), "serve", "--port", "0", *args], stderr=subprocess.PIPE,
                                     text=True, encoding="utf-8", env={**os.environ, **(env or {})})
        self.lines: list[str] = []
        self.port = 0
        while not self.port:
            line = self.proc.stderr.readline()
            if not line:
                raise AssertionError("serve exited: " + "".join(self.lines))
            self.lines.append(line)
            found = re.search(r"listening on http://[^:]+:(\d+)/", line)
            if found:
                self.port = int(found.group(1))
        self._reader = threading.Thread(target=self._drain, daemon=True)
        self._reader.start()

    def _drain(self) -> None:
        for line in self.proc.stderr:
            self.lines.append(line)

    def request(self, method: str, path: str, payload=None, headers=None, raw: bytes | None = None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        body = raw if raw is not None else (None if payload is None else json.dumps(payload).encode())
        hdrs = {"Content-Type": "application/json", **(headers or {})}
        conn.request(method, path, body=body, headers=hdrs)
        resp = conn.getresponse()
        data = resp.read()
        conn.close()
        return resp.status, (json.loads(data) if resp.getheader("content-type", "").startswith("application/json") else data)

    def stop(self) -> int:
        self.proc.send_signal(signal.SIGINT)
        try:
            return self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait()
