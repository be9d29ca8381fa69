"""The review model from the outside: a process of its own (the model never loaded when off, and
run without scikit-learn or numpy), check/lint --model, config ``model = true``, scan --review
and the service. Model findings never change the exit code or ``blocked`` unless the user asks
with ``--model --fail-on info``; the review queue is the same whatever the number of workers."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from kefulint import Linter, Settings
from kefulint.cli.main import cli
from kefulint.service import Request, Service

ROOT = Path(__file__).resolve().parents[2]
KEFULINT = shutil.which("kefulint", path=str(Path(sys.executable).parent)) or shutil.which("kefulint")
JDDC = ROOT.parent / "shared" / "data" / "jddc2019_sample" / "chat_0.1per.txt"

CANDIDATES = [
    "亲，这个您直接打钱到我个人账户上，比拍下来便宜二十",
    "您走平台外面付款的话我给您再优惠一点哈",
    "亲您给个五星好评，截图发我，返您十块钱红包",
    "老铁，好评截图给我，返你现金",
    "这是全网最低价，绝对第一，买到就是赚到",
    "你是不是听不懂人话啊，说了多少遍了",
    "发票的话要另外加百分之六的点哦",
    # the rules of the fourth session catch the ones above; these they still miss
    "货到付款？偏远地区不支持，市区的话要加8元服务费",
    "删评的话这单退你一半",
    "用卡付多收2% 银行扣我们的",
    # the rules of the eighth session catch the ones above; these they still miss
    "你去拼夕夕看看",
    "好评有惊喜",
    "扣扣联系",
]
CLEAN = "亲，您好，请问有什么可以帮您？"


def run(*args, input=None):
    return CliRunner().invoke(cli, list(map(str, args)), input=input, catch_exceptions=False)


@pytest.fixture(scope="module")
def hint():
    """A reply only the model flags (the rules find nothing in it)."""
    plain, model = Linter.default(), Linter.from_settings(Settings(model=True))
    return next(t for t in CANDIDATES if not plain.check(t).findings and model.check(t).findings)


def test_off_by_default_and_not_loaded():
    code = ("import sys; from kefulint import Linter; l = Linter.default(); l.check('加我微信 abc_123'); "
            "print(l.use_model, sorted(m for m in sys.modules if m.startswith('kefulint.model')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False []"


def test_runs_without_scikit_learn_or_numpy(hint):
    code = (
        "import sys\n"
        "for name in ('sklearn', 'numpy', 'scipy'):\n"
        "    sys.modules[name] = None  # any import of them now fails\n"
        "from kefulint import Linter, Settings\n"
        f"r = Linter.from_settings(Settings(model=True)).check({hint!r})\n"
        "print(len(r.findings) > 0, [m for m in ('sklearn', 'numpy', 'scipy') if sys.modules.get(m)])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "True []"


def test_check_model_findings_do_not_change_the_exit_code(hint):
    plain = run("check", "--format", "json", hint)
    assert plain.exit_code == 0 and json.loads(plain.output)[0]["findings"] == []
    r = run("check", "--model", "--format", "json", hint)
    assert r.exit_code == 0
    [record] = json.loads(r.output)
    assert record["blocked"] is False and record["points"] == 0
    assert record["findings"] and all(f["rule"].startswith("model.") and f["severity"] == "info"
                                      and f["probability"] >= 0.5 for f in record["findings"])
    assert run("check", "--fail-on", "info", hint).exit_code == 0  # no model, nothing to count
    assert run("check", "--model", "--fail-on", "info", hint).exit_code == 1  # the one opt-in


def test_check_text_and_explain_show_the_model(hint):
    r = run("check", "--model", hint)
    assert "model." in r.output and "概率" in r.output
    r = run("check", "--model", "--explain", hint)
    assert "模型 model:" in r.output and "✔" in r.output.split("模型 model:")[1]
    assert "模型 model:" not in run("check", "--explain", hint).output


def test_config_turns_the_model_on(tmp_path, hint, monkeypatch):
    (tmp_path / "kefulint.toml").write_text("model = true\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    r = run("check", "--format", "json", hint)
    assert r.exit_code == 0 and json.loads(r.output)[0]["findings"]
    (tmp_path / "kefulint.toml").write_text('model = "yes"\n', encoding="utf-8")
    bad = run("check", hint)
    assert bad.exit_code == 2 and "'model' must be true or false" in bad.output


def test_lint_model_is_info_and_opt_in(tmp_path, hint, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "replies.txt").write_text(f"{hint}\n{CLEAN}\n", encoding="utf-8")
    assert run("lint", "--no-cache", "--format", "json", "replies.txt").exit_code == 0
    r = run("lint", "--no-cache", "--model", "--format", "json", "-o", "out.json", "replies.txt")
    assert r.exit_code == 0
    data = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    findings = data["findings"] if isinstance(data, dict) else data
    assert findings and all(f["rule"].startswith("model.") and f["line"] == 1 for f in findings)
    assert run("lint", "--no-cache", "--model", "--fail-on", "info", "replies.txt").exit_code == 1


def _scan(*args):
    assert KEFULINT, "the kefulint command is not installed (pip install -e .)"
    return subprocess.run([KEFULINT, "scan", *map(str, args)], check=False, capture_output=True, cwd=ROOT,
                          timeout=600)


def _chatlog(tmp_path: Path, hint: str) -> Path:
    path = tmp_path / "chat.jsonl"
    lines = []
    for i, text in enumerate([hint, CLEAN, "加我微信 abc_123456", hint + "。", CLEAN]):
        lines.append({"conversation": f"c{i}", "role": "buyer", "text": "在吗", "agent": ""})
        lines.append({"conversation": f"c{i}", "role": "agent", "text": text, "agent": f"a{i % 2}"})
    path.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), encoding="utf-8")
    return path


def test_scan_review_lists_what_the_rules_missed(tmp_path, hint):
    log = _chatlog(tmp_path, hint)
    base = tmp_path / "base.json"
    assert _scan(log, "-q", "--summary-json", base).returncode == 1  # the WeChat id
    assert "review" not in json.loads(base.read_text(encoding="utf-8"))
    out = tmp_path / "s.json"
    r = _scan(log, "-q", "--review", 5, "--summary-json", out, "--html", tmp_path / "r.html")
    assert r.returncode == 1, r.stderr.decode()
    data = json.loads(out.read_text(encoding="utf-8"))
    review = data["review"]
    assert review["flagged"] >= 2 and [m["conversation"] for m in review["messages"]][:2] in (["c0", "c3"], ["c3", "c0"])
    probs = [m["probability"] for m in review["messages"]]
    assert probs == sorted(probs, reverse=True) and all(m["ngrams"] for m in review["messages"])
    assert all(m["conversation"] != "c2" for m in review["messages"])  # the rules flagged that one
    # the model's findings are not the scan's: same counts as without the model
    assert data["counts"] == json.loads(base.read_text(encoding="utf-8"))["counts"]
    assert "模型复核队列" in (tmp_path / "r.html").read_text(encoding="utf-8")


@pytest.mark.skipif(not JDDC.exists(), reason="../shared/data/jddc2019_sample is not beside the repo")
def test_scan_review_is_the_same_with_any_jobs(tmp_path):
    outs = []
    for jobs in (1, 2):
        out = tmp_path / f"s{jobs}.json"
        r = _scan(JDDC, "--input-format", "jddc", "-q", "-j", jobs, "--review", 30, "--summary-json", out,
                  "--fail-on", "never")
        assert r.returncode == 0, r.stderr.decode()
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]
    assert json.loads(outs[0])["review"]["messages"]


def _post(service: Service, payload) -> tuple[int, dict]:
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    resp = service.handle(Request("POST", "/v1/check", "", {"content-type": "application/json"}, body))
    return resp.status, json.loads(resp.body)


def test_service_model_per_request(hint):
    service = Service(Linter.default)
    status, plain = _post(service, {"text": hint})
    assert status == 200 and plain["findings"] == []
    status, learned = _post(service, {"text": hint, "model": True})
    assert status == 200 and learned["blocked"] is False
    assert learned["findings"] and all("probability" in f for f in learned["findings"])
    on = Service(lambda: Linter.from_settings(Settings(model=True)))
    assert _post(on, {"text": hint})[1]["findings"] and not _post(on, {"text": hint, "model": False})[1]["findings"]
    status, err = _post(service, {"text": hint, "model": "yes"})
    assert status == 400 and "model: expected true or false" in json.dumps(err, ensure_ascii=False)
