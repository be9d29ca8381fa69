"""The HTTP service: the pure Service object, its ASGI adapter, and `kefulint serve` for real."""
from __future__ import annotations

import asyncio
import http.client
import json
import os
import re
import signal
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kefulint import Linter, RulesetError, Settings
from kefulint.service import MAX_BATCH, ASGIApp, Request, Service
from kefulint.service.app import ROUTES
from serve_helpers import Served, kefulint_exe

ROOT = Path(__file__).resolve().parents[2]
PHONE = "有事打我电话13800138000"
TOKEN = "s3cret-token-0123456789"

RULESET = """\
[ruleset]
name = "shop"
description = "test rules"

[[rule]]
id = "shop.code-word"
kind = "pattern"
category = "offplatform.payment"
severity = "error"
points = 3
phrases = ["{phrase}"]
sensitive = true
message = "不得发送内部暗号"
suggestion = "亲，请以平台页面为准"
examples.bad = ["{phrase}是多少"]
examples.good = ["亲，请以平台页面为准"]
"""


def post(service: Service, path: str, payload=None, raw: bytes | None = None, headers=None):
    body = raw if raw is not None else json.dumps(payload, ensure_ascii=False).encode()
    hdrs = {"content-type": "application/json"}
    hdrs.update(headers or {})
    return service.handle(Request("POST", path, "", hdrs, body))


def get(service: Service, path: str, headers=None, query=""):
    return service.handle(Request("GET", path, query, headers or {}, b""))


@pytest.fixture(scope="module")
def service() -> Service:
    return Service(Linter.default)


# --- the pure Service ------------------------------------------------------------------------

def test_check_returns_the_check_result_masked(service):
    resp = post(service, "/v1/check", {"text": PHONE, "agent": "小美"})
    assert resp.status == 200
    expected = Linter.default().check(PHONE).to_dict()
    body = resp.json
    assert body == {**expected, "agent": "小美"}
    assert body["findings"][0]["match"] == "138****8000"
    assert "13800138000" not in resp.body.decode()


def test_show_matches_returns_raw_matches():
    resp = post(Service(Linter.default, show_matches=True), "/v1/check", {"text": PHONE})
    assert resp.json["findings"][0]["match"] == "13800138000"


def test_context_reaches_the_context_rules(service):
    assert not post(service, "/v1/check", {"text": "有，5738201946"}).json["findings"]
    with_ctx = post(service, "/v1/check", {"text": "有，5738201946", "context": ["有QQ吗", {"role": "buyer", "text": "在吗"}]})
    assert [f["rule"] for f in with_ctx.json["findings"]] == ["contact.qq-on-request"]


def test_sensitive_match_without_a_fix_is_masked_in_suggested_text(tmp_path):
    rules = tmp_path / "shop.toml"
    # a warning of no channel category has no fix: the reply stays as it is, masked
    rules.write_text(RULESET.format(phrase="芝麻开门123456").replace('"offplatform.payment"', '"privacy.third_party"')
                     .replace('"error"', '"warning"'), encoding="utf-8")
    svc = Service(lambda: Linter.from_settings(Settings(rulesets=(), extra_rulesets=(str(rules),))))
    body = post(svc, "/v1/check", {"text": "暗号是芝麻开门123456哦"}).json
    assert body["findings"][0]["match"] == "芝麻开门1****6"
    assert body["suggested_text"] == "暗号是芝麻开门1****6哦"


def test_batch_checks_every_item_in_order(service):
    items = [{"text": PHONE}, {"text": "亲，您好"}, {"text": "你问我，我问谁？", "agent": "a2"}]
    body = post(service, "/v1/check/batch", {"items": items}).json
    assert body["count"] == 3
    assert [bool(r["findings"]) for r in body["results"]] == [True, False, True]
    assert body["results"][2]["agent"] == "a2"


@pytest.mark.parametrize("raw, fragment", [
    (b"{not json", "body is not valid JSON: Expecting property name enclosed in double quotes at line 1 column 2"),
    (b"", "body is not valid JSON: Expecting value at line 1 column 1"),
    (b"\xff\xfe", "body is not UTF-8"),
])
def test_invalid_json_is_400_saying_why(service, raw, fragment):
    resp = post(service, "/v1/check", raw=raw)
    assert resp.status == 400
    assert resp.json["error"]["code"] == "invalid_json"
    assert fragment in resp.json["error"]["message"]


@pytest.mark.parametrize("payload, details", [
    ({}, ["text: required"]),
    ([], ["body: expected an object, got a list"]),
    ({"text": 5}, ["text: expected a string, got a number"]),
    ({"text": "hi", "ctx": []}, ["ctx: unknown field (allowed: text, context, agent, platform, model)"]),
    ({"text": "hi", "context": "有QQ吗"}, ["context: expected a list of strings or {role, text} objects, got a string"]),
    ({"text": "hi", "context": ["ok", {"role": "buyer"}]}, ['context[1]: expected a string or {"role": str, "text": str}']),
    ({"text": "hi", "agent": 7}, ["agent: expected a string, got a number"]),
    ({"text": "hi", "context": [{"role": "robot", "text": "有QQ吗"}]},
     ["context[0].role: unknown role 'robot' (buyer: buyer/user/customer/买家/客户/顾客/0; agent: agent/客服/seller/商家/1)"]),
])
def test_invalid_fields_are_400_naming_each(service, payload, details):
    resp = post(service, "/v1/check", payload)
    assert resp.status == 400
    assert resp.json["error"]["details"] == details


def test_every_buyer_role_is_context(service):
    resp = post(service, "/v1/check", {"text": "有，5738201946", "context": [{"role": "顾客", "text": "有QQ吗"}]})
    assert resp.status == 200
    assert [f["category"] for f in resp.json["findings"]] == ["contact.qq"]


def test_batch_errors_name_the_item(service):
    resp = post(service, "/v1/check/batch", {"items": [{"text": "ok"}, {"txt": "x"}, "s"]})
    assert resp.status == 400
    assert resp.json["error"]["details"] == [
        "items[1].txt: unknown field (allowed: text, context, agent, platform, model)",
        "items[1].text: required",
        "items[2]: expected an object, got a string",
    ]
    too_many = post(service, "/v1/check/batch", {"items": [{"text": "x"}] * (MAX_BATCH + 1)})
    assert too_many.status == 400
    assert f"at most {MAX_BATCH}" in too_many.json["error"]["details"][0]
    assert post(service, "/v1/check/batch", {"item": []}).json["error"]["details"] == [
        "unknown field 'item' (allowed: items)", "items: required, a list of {text, context?, agent?} objects"]


def test_body_over_the_limit_is_413():
    svc = Service(Linter.default, max_body=100)
    resp = post(svc, "/v1/check", {"text": "亲" * 100})
    assert resp.status == 413 and resp.json["error"]["code"] == "body_too_large"
    assert post(svc, "/v1/check", {"text": "亲" * 10}).status == 200


def test_wrong_content_type_is_415(service):
    resp = post(service, "/v1/check", {"text": "hi"}, headers={"content-type": "text/plain"})
    assert resp.status == 415


def test_wrong_method_is_405_with_allow(service):
    resp = get(service, "/v1/check")
    assert resp.status == 405
    assert ("Allow", "POST") in resp.headers
    assert post(service, "/healthz", {}).status == 405


def test_unknown_path_is_404(service):
    resp = get(service, "/v2/check")
    assert resp.status == 404 and resp.json["error"]["code"] == "not_found"


def test_rules_and_health(service):
    rules = get(service, "/v1/rules").json
    assert rules["count"] == len(Linter.default().rules) == len(rules["rules"])
    assert {"id", "category", "severity", "points", "message", "suggestion"} <= set(rules["rules"][0])
    service_rules = {r["id"]: r["kind"] for r in rules["rules"] if r["ruleset"] == "service"}
    assert service_rules == dict.fromkeys(
        ["service.first-response", "service.reply-time", "service.greeting", "service.farewell"], "conversation")
    health = get(service, "/healthz").json
    assert health["status"] == "ok" and health["rules"] == rules["count"]


def test_page_is_self_contained(service):
    resp = get(service, "/")
    assert resp.status == 200 and resp.content_type.startswith("text/html")
    html = resp.body.decode()
    assert "<script>" in html and "<style>" in html
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html), "no external assets"
    assert "@import" not in html and "url(" not in html
    headers = dict(resp.headers)
    assert headers["Content-Security-Policy"].startswith("default-src 'none';")  # the browser enforces it too
    assert "connect-src 'self'" in headers["Content-Security-Policy"]


def test_openapi_describes_every_route_and_real_responses(service):
    doc = get(service, "/openapi.json").json
    assert doc["openapi"].startswith("3.")
    for path, methods in ROUTES.items():
        assert set(doc["paths"][path]) == {m.lower() for m in methods}, path

    def validate(instance, name):
        jsonschema.validate(instance, {"$ref": f"#/components/schemas/{name}", "components": doc["components"]},
                            cls=jsonschema.Draft202012Validator)

    validate(post(service, "/v1/check", {"text": PHONE}).json, "Result")
    validate(post(service, "/v1/check", {}).json, "Error")
    validate(get(service, "/healthz").json, "Health")
    for rule in get(service, "/v1/rules").json["rules"]:
        validate(rule, "Rule")
    validate({"text": "x", "context": ["a", {"role": "buyer", "text": "b"}]}, "CheckItem")
    with pytest.raises(jsonschema.ValidationError):
        validate({"text": "x", "ctx": 1}, "CheckItem")


def test_token_is_checked_on_every_request():
    svc = Service(Linter.default, token=TOKEN)
    for path in ROUTES:
        assert get(svc, path).status == 401, path
    assert get(svc, "/v1/rules", {"authorization": "Bearer wrong-token-000000000"}).status == 401
    assert get(svc, "/nope").status == 401  # not even the routes are told
    assert get(svc, "/v1/rules", {"authorization": f"Bearer {TOKEN}"}).status == 200
    assert post(svc, "/v1/check", {"text": "hi"}, headers={"x-kefulint-token": TOKEN}).status == 200
    # the page: ?token= once, then the cookie carries it for the page's own requests
    page = get(svc, "/", query=f"token={TOKEN}")
    assert page.status == 200
    cookie = dict(page.headers)["Set-Cookie"].split(";")[0]
    assert post(svc, "/v1/check", {"text": "hi"}, headers={"cookie": cookie}).status == 200
    assert get(svc, "/v1/rules", query=f"token={TOKEN}").status == 401  # query only opens the page


def test_reload_swaps_rules_and_keeps_old_ones_when_broken(tmp_path):
    rules = tmp_path / "shop.toml"
    rules.write_text(RULESET.format(phrase="暗号甲"), encoding="utf-8")
    messages: list[str] = []
    svc = Service(lambda: Linter.from_settings(Settings(rulesets=(), extra_rulesets=(str(rules),))),
                  log=messages.append)
    check = lambda text: [f["rule"] for f in post(svc, "/v1/check", {"text": text}).json["findings"]]
    assert check("暗号甲") == ["shop.code-word"]

    rules.write_text(RULESET.format(phrase="暗号乙"), encoding="utf-8")
    assert post(svc, "/v1/reload", raw=b"").json == {"reloaded": True, "rules": 1}
    assert check("暗号乙") == ["shop.code-word"] and check("暗号甲") == []

    rules.write_text(RULESET.format(phrase="暗号丙").replace('severity = "error"', 'severty = "error"'), encoding="utf-8")
    resp = post(svc, "/v1/reload", raw=b"")
    assert resp.status == 422 and resp.json["error"]["code"] == "reload_failed"
    assert any("severty" in d for d in resp.json["error"]["details"])
    assert check("暗号乙") == ["shop.code-word"]  # still the previous rules
    assert "reload failed" in messages[-1] and "severty" in messages[-1]
    health = get(svc, "/healthz").json
    assert health["reloads"] == 1 and any("severty" in e for e in health["last_reload_error"])


def test_a_request_keeps_the_linter_it_started_with(tmp_path):
    """A batch that is running while a reload lands finishes on one rule set."""
    started, release = threading.Event(), threading.Event()

    class SlowLinter:
        def __init__(self, inner):
            self.inner, self.rules, self.segmenter = inner, inner.rules, inner.segmenter

        def check(self, text, context=None):
            started.set()
            release.wait(5)
            return self.inner.check(text, context)

    linters = iter([SlowLinter(Linter.default()), Linter.from_settings(Settings(disable=("contact",)))])
    svc = Service(lambda: next(linters))
    with ThreadPoolExecutor(1) as pool:
        pending = pool.submit(post, svc, "/v1/check/batch", {"items": [{"text": PHONE}, {"text": PHONE}]})
        assert started.wait(5)
        assert post(svc, "/v1/reload", raw=b"").status == 200
        release.set()
        body = pending.result(5).json
    assert all(r["findings"] for r in body["results"])  # the old linter for the whole batch
    assert not post(svc, "/v1/check", {"text": PHONE}).json["findings"]


def test_asgi_adapter_stops_reading_a_body_over_the_limit():
    svc = Service(Linter.default, max_body=1000)
    app = ASGIApp(svc)
    chunks = [{"type": "http.request", "body": b"x" * 600, "more_body": True}] * 5
    received: list[int] = []

    async def receive():
        received.append(1)
        return chunks[len(received) - 1]

    sent: list[dict] = []

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/v1/check", "query_string": b"",
             "headers": [(b"content-type", b"application/json")]}
    asyncio.run(app(scope, receive, send))
    assert sent[0]["status"] == 413
    assert len(received) == 2  # gave up after the chunk that crossed the limit


# --- kefulint serve, for real ----------------------------------------------------------------

@pytest.fixture
def served():
    started: list[Served] = []

    def start(*args, env=None) -> Served:
        s = Served(*args, env=env)
        started.append(s)
        return s

    yield start
    for s in started:
        s.stop()


def test_serve_end_to_end(served):
    s = served()
    status, body = s.request("POST", "/v1/check", {"text": PHONE})
    assert status == 200 and body["findings"][0]["match"] == "138****8000"
    assert s.request("POST", "/v1/check", raw=b"{oops")[0] == 400
    assert s.request("GET", "/v1/check")[0] == 405
    assert s.request("GET", "/nowhere")[0] == 404
    status, body = s.request("POST", "/v1/check", raw=b'{"text": "' + b"a" * 70000 + b'"}')
    assert status == 413 and body["error"]["code"] == "body_too_large"
    status, page = s.request("GET", "/")
    assert status == 200 and b"kefulint" in page
    assert s.request("GET", "/healthz")[1]["status"] == "ok"  # still serving after the bad requests
    assert not any(PHONE in line or "13800138000" in line for line in s.lines), "message text is never logged"


def test_serve_max_body_option(served):
    s = served("--max-body", "200")
    assert s.request("POST", "/v1/check", {"text": "亲" * 100})[0] == 413
    assert s.request("POST", "/v1/check", {"text": "亲"})[0] == 200


def test_serve_refuses_non_loopback_without_token():
    env = {k: v for k, v in os.environ.items() if k != "KEFULINT_TOKEN"}
    proc = subprocess.run(check=False, args=[kefulint_exe(), "serve", "--host", "0.0.0.0", "--port", "0"], capture_output=True,
                          text=True, timeout=60, env=env)
    assert proc.returncode == 2
    assert "without a token" in proc.stderr and "KEFULINT_TOKEN" in proc.stderr


def test_serve_rejects_a_short_token():
    proc = subprocess.run(check=False, args=[kefulint_exe(), "serve", "--port", "0", "--token", "short"], capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 2 and "--token" in proc.stderr


def test_serve_with_token_from_env_on_all_interfaces(served):
    s = served("--host", "0.0.0.0", env={"KEFULINT_TOKEN": TOKEN})
    assert s.request("GET", "/healthz")[0] == 401
    assert s.request("POST", "/v1/check", {"text": "hi"}, {"Authorization": "Bearer nope-nope-nope-nope"})[0] == 401
    assert s.request("POST", "/v1/check", {"text": "hi"}, {"Authorization": f"Bearer {TOKEN}"})[0] == 200


def test_serve_reloads_on_sighup_and_survives_a_broken_ruleset(served, tmp_path):
    rules = tmp_path / "shop.toml"
    rules.write_text(RULESET.format(phrase="暗号甲"), encoding="utf-8")
    s = served("--ruleset", str(rules))

    def rules_of(text):
        return [f["rule"] for f in s.request("POST", "/v1/check", {"text": text})[1]["findings"]]

    def wait_for(cond):
        deadline = time.time() + 30
        while time.time() < deadline:
            if cond():
                return True
            time.sleep(0.1)
        return False

    assert rules_of("暗号甲") == ["shop.code-word"]
    rules.write_text(RULESET.format(phrase="暗号乙"), encoding="utf-8")
    s.proc.send_signal(signal.SIGHUP)
    assert wait_for(lambda: rules_of("暗号乙") == ["shop.code-word"])
    assert rules_of("暗号甲") == []

    rules.write_text("[[rule]]\nid = 1\n", encoding="utf-8")
    s.proc.send_signal(signal.SIGHUP)
    assert wait_for(lambda: any("reload failed" in line for line in s.lines)), s.lines
    assert rules_of("暗号乙") == ["shop.code-word"]
    status, body = s.request("POST", "/v1/reload", raw=b"")
    assert status == 422 and body["error"]["details"]
    assert s.request("GET", "/healthz")[1]["last_reload_error"]


def test_reload_under_load_drops_no_request(served):
    s = served()
    stop = threading.Event()
    statuses: list[int] = []

    def hammer():
        conn = http.client.HTTPConnection("127.0.0.1", s.port, timeout=30)
        body = json.dumps({"text": PHONE}).encode()
        while not stop.is_set():
            conn.request("POST", "/v1/check", body=body, headers={"Content-Type": "application/json"})
            resp = conn.getresponse()
            resp.read()
            statuses.append(resp.status)
        conn.close()

    threads = [threading.Thread(target=hammer) for _ in range(4)]
    for t in threads:
        t.start()
    try:
        for _ in range(3):
            assert s.request("POST", "/v1/reload", raw=b"")[0] == 200
            time.sleep(0.2)  # a reload of unchanged rules takes its tables from the process: keep the load on between them
    finally:
        stop.set()
        for t in threads:
            t.join(30)
    assert len(statuses) > 50 and set(statuses) == {200}


def test_serve_refuses_a_broken_ruleset_at_start(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[[rule]]\nid = 1\n", encoding="utf-8")
    proc = subprocess.run(check=False, args=[kefulint_exe(), "serve", "--port", "0", "--ruleset", str(bad)], capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 2 and "bad.toml" in proc.stderr


def test_ruleset_error_type_is_what_reload_catches():
    with pytest.raises(RulesetError):
        Linter.from_settings(Settings(extra_rulesets=("/nonexistent/kefulint-rules.toml",)))


def test_serve_reads_its_config_section(served, tmp_path):
    cfg = tmp_path / "kefulint.toml"
    cfg.write_text('disable = ["contact"]\n\n[serve]\nmax-body = 200\n', encoding="utf-8")
    s = served("--config", str(cfg))
    assert s.request("POST", "/v1/check", {"text": "亲" * 100})[0] == 413
    status, body = s.request("POST", "/v1/check", {"text": PHONE})
    assert status == 200 and body["findings"] == []  # the config's settings apply too


def test_serve_rejects_unknown_config_keys(tmp_path):
    cfg = tmp_path / "kefulint.toml"
    cfg.write_text('[serve]\nmax_bdy = 200\nport = "80"\n', encoding="utf-8")
    proc = subprocess.run(check=False, args=[kefulint_exe(), "serve", "--config", str(cfg)], capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 2
    assert "kefulint.toml:2: [serve]: unknown key 'max_bdy' (did you mean 'max-body'?)" in proc.stderr
    assert "kefulint.toml:3: 'serve.port' must be a whole number >= 0 and <= 65535, not '80'" in proc.stderr


def test_service_agrees_with_kefulint_check(service):
    texts = [PHONE, "你问我，我问谁？", "亲，您好", "这个价格全网最低，不信您去比", "加我微信 abc_123"]
    proc = subprocess.run(check=False, args=[kefulint_exe(), "check", "--format", "json", *texts],
                          capture_output=True, text=True, encoding="utf-8", timeout=60)
    assert proc.returncode == 1, proc.stderr
    records = json.loads(proc.stdout)
    for text, record in zip(texts, records, strict=True):
        body = post(service, "/v1/check", {"text": text}).json
        assert body["findings"] == record["findings"]
        assert (body["points"], body["blocked"], body["fatal"]) == (record["points"], record["blocked"], record["fatal"])


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(["text", "context", "agent", "role", "items", "x"]), inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=json_values, path=st.sampled_from(["/v1/check", "/v1/check/batch"]))
def test_any_json_body_gets_200_or_a_400_naming_the_problem(service, body, path):
    resp = post(service, path, body)
    assert resp.status in (200, 400), resp.body
    if resp.status == 400:
        assert resp.json["error"]["details"]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=200))
def test_any_bytes_get_a_json_answer(service, raw):
    resp = post(service, "/v1/check", raw=raw)
    assert resp.status in (200, 400)
    assert resp.json


# --- HEAD, a bare reload, a browser without the token, the platform (issue 11, item 5) --------

def test_head_answers_as_get_without_a_body(service):
    for path in ("/", "/healthz", "/openapi.json", "/v1/rules"):
        got = get(service, path)
        head = service.handle(Request("HEAD", path, "", {}, b""))
        assert (head.status, head.content_type, head.body) == (got.status, got.content_type, b""), path
        assert head.content_length == len(got.body)
    assert service.handle(Request("HEAD", "/v1/check", "", {}, b"")).status == 405


def test_head_over_http(served):
    server = served()
    for path in ("/", "/healthz"):
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        conn.request("GET", path)
        got = conn.getresponse()
        body = got.read()
        conn.request("HEAD", path)
        head = conn.getresponse()
        assert head.read() == b"" and head.status == got.status == 200
        assert int(head.getheader("content-length")) == len(body)
        assert head.getheader("content-type") == got.getheader("content-type")
        conn.close()


def test_reload_needs_no_content_type():
    svc = Service(Linter.default)
    bare = svc.handle(Request("POST", "/v1/reload", "", {}, b""))
    assert bare.status == 200 and bare.json["reloaded"] is True
    # a body still has to be JSON
    assert svc.handle(Request("POST", "/v1/reload", "", {"content-type": "text/plain"}, b"x")).status == 415


def test_a_browser_without_the_token_gets_a_page_that_says_what_to_do():
    svc = Service(Linter.default, token=TOKEN)
    page = get(svc, "/", headers={"accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert page.status == 401 and page.content_type.startswith("text/html")
    text = page.body.decode()
    assert "需要访问令牌" in text and "?token=" in text and TOKEN not in text
    assert get(svc, "/").json["error"]["code"] == "unauthorized"  # a program still gets JSON
    assert get(svc, "/healthz", headers={"accept": "text/html"}).json["error"]["code"] == "unauthorized"


def test_platform_per_request(service):
    text = "可以用微信支付的哦"
    assert [f["rule"] for f in post(service, "/v1/check", {"text": text}).json["findings"]] == [
        "offplatform.wechat-pay"]
    assert post(service, "/v1/check", {"text": text, "platform": "jd"}).json["findings"] == []
    bad = post(service, "/v1/check", {"text": text, "platform": "jingdong"})
    assert bad.status == 400 and "platform: expected one of taobao, tmall, jd, pdd, douyin" in bad.json["error"][
        "details"][0]
