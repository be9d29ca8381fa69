"""Nothing leaks (issue 7): a mobile number, a bank card, an ID number and a QQ number caught in a
reply appear masked in every output of check, scan and lint (stdout, stderr, every file written,
caches included) unless --show-matches, and then they do appear (so these tests can fail)."""
from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from kefulint.cli.main import cli

MOBILE = "13912345678"
CARD = "6226221177774129"  # Luhn-valid, China Merchants Bank BIN 622622
ID_NUMBER = "440301199003071230"  # valid checksum
QQ = "2837461950"
SECRETS = (MOBILE, CARD, ID_NUMBER, QQ)
REPLY = f"有事打我电话{MOBILE}，转账到卡号{CARD}，身份证{ID_NUMBER}，加我扣扣 {QQ}"


def found(blob: str) -> set[str]:
    """The secrets present in ``blob``, also when a terminal wrapped or spaced them."""
    squashed = re.sub(r"\s+", "", blob)
    return {s for s in SECRETS if s in squashed}


def _read(path: Path) -> str:
    data = path.read_bytes()
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    return data.decode("utf-8", "replace")


def written(root: Path, inputs: set[Path]) -> dict[str, str]:
    """Every file under ``root`` that is not an input: the reports, caches, temporary files."""
    return {str(p.relative_to(root)): _read(p) for p in sorted(root.rglob("*")) if p.is_file() and p not in inputs}


def invoke(args: list[str]):
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code in (0, 1), f"{args}: exit {result.exit_code}\n{result.output}"
    return result


def _assert_masked_then_shown(outputs_masked: dict[str, str], outputs_shown: dict[str, str]) -> None:
    leaks = {name: sorted(found(text)) for name, text in outputs_masked.items() if found(text)}
    assert leaks == {}, f"unmasked personal data in {leaks}"
    assert found("\n".join(outputs_shown.values())) == set(SECRETS), "--show-matches must show them"


# --- check --------------------------------------------------------------------------------

@pytest.mark.parametrize("options", [["--format", "text"], ["--format", "json"], ["--format", "jsonl"],
                                     ["--explain"]])
def test_check(options):
    args = ["check", *options, "--context", "有电话吗", REPLY]
    masked, shown = invoke(args), invoke([*args, "--show-matches"])
    assert found(masked.stdout + masked.stderr) == set() and "139****5678" in masked.stdout
    assert found(shown.stdout + shown.stderr) == set(SECRETS)


def test_check_file_input(tmp_path):
    drafts = tmp_path / "drafts.jsonl"
    drafts.write_text(json.dumps({"id": "d1", "text": REPLY, "context": ["有QQ吗"]}, ensure_ascii=False) + "\n"
                      + f"{{broken {MOBILE}\n", encoding="utf-8")
    for fmt in ("text", "json", "jsonl"):
        masked = CliRunner().invoke(cli, ["check", "--format", fmt, str(drafts)])
        shown = CliRunner().invoke(cli, ["check", "--format", fmt, str(drafts), "--show-matches"])
        _assert_masked_then_shown({"stdout": masked.stdout, "stderr": masked.stderr},
                                  {"stdout": shown.stdout, "stderr": shown.stderr})


# --- scan ---------------------------------------------------------------------------------

@pytest.fixture
def chat_logs(tmp_path):
    log = tmp_path / "in" / "chats.jsonl"
    log.parent.mkdir()
    rows = [
        {"conversation": "c1", "role": "buyer", "agent": "", "time": "2024-11-11 10:00:00",
         "text": f"我的电话是{MOBILE}，卡号{CARD}"},
        {"conversation": "c1", "role": "agent", "agent": "小美", "time": "2024-11-11 10:00:30", "text": REPLY},
        {"conversation": "c2", "role": MOBILE, "agent": "小美", "text": "您好"},  # a bad line: role is a number
        {"conversation": "c3", "role": "agent", "agent": "小美", "time": f"{QQ}x", "text": "您好"},  # bad time
        # identifiers that are personal numbers: an ID number in a conversation id, an agent named by a card
        {"conversation": f"c-{ID_NUMBER}", "role": "agent", "agent": CARD, "time": "2024-11-11 10:01:00", "text": REPLY},
    ]
    log.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    text_log = tmp_path / "in" / "export.txt"
    # a buyer whose nickname is their mobile: the conversation's id holds it
    text_log.write_text(f"2024-11-11 10:00:01 {MOBILE} 在吗\n2024-11-11 10:00:05 店铺:小美 {REPLY}\n{QQ} 是我的扣扣\n",
                        encoding="utf-8")
    return tmp_path, {log, text_log}


@pytest.mark.parametrize("output", ["findings.jsonl", "findings.csv", "findings.jsonl.gz", "-"])
def test_scan_every_report(chat_logs, output):
    root, inputs = chat_logs
    runs = {}
    for show in (False, True):
        out = root / ("shown" if show else "masked")
        out.mkdir()
        args = ["scan", *(str(p) for p in sorted(inputs)), "--jobs", "1", "--html", str(out / "report.html"),
                "--summary-json", str(out / "summary.json"), "--skipped", str(out / "skipped.txt"),
                "-o", output if output == "-" else str(out / output), *(["--show-matches"] if show else [])]
        result = invoke(args)
        outputs = {"stdout": result.stdout, "stderr": result.stderr}  # stderr: the terminal summary, the skips
        outputs.update(written(out, inputs))
        assert "小美" in result.stdout + result.stderr and "skipped" in result.stderr  # the terminal summary
        runs[show] = outputs
    assert found(runs[False]["stdout" if output == "-" else f"{output}"]) == set()
    _assert_masked_then_shown(runs[False], runs[True])


# --- lint ---------------------------------------------------------------------------------

@pytest.fixture
def templates(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    replies = tmp_path / "replies"
    replies.mkdir()
    files = {
        "quick.txt": f"{REPLY}\n亲，欢迎光临\n",
        "quick.csv": f"分组,短语内容\n售后,{REPLY}\n",
        "faq.md": f"# 常见问题\n\n- {REPLY}\n",
        "bot.json": json.dumps({"faq": [{"q": "电话", "answer": REPLY}]}, ensure_ascii=False),
        "bot.yaml": f"answers:\n  - \"{REPLY}\"\n",
    }
    for name, text in files.items():
        (replies / name).write_text(text, encoding="utf-8")
    return tmp_path, {replies / name for name in files}


LINT_FORMATS = ["text", "json", "jsonl", "sarif", "github", "junit", "csv"]


@pytest.mark.parametrize("fmt", LINT_FORMATS)
def test_lint_every_format(templates, fmt):
    root, inputs = templates
    runs = {}
    for show in (False, True):
        report = root / f"report-{show}.{fmt}"
        to_stdout = invoke(["lint", "replies", "--format", fmt, *(["--show-matches"] if show else [])])
        to_file = invoke(["lint", "replies", "--format", fmt, "-o", str(report), *(["--show-matches"] if show else [])])
        runs[show] = {"stdout": to_stdout.stdout, "stderr": to_stdout.stderr + to_file.stderr,
                      report.name: report.read_text(encoding="utf-8")}
        report.unlink()
        runs[show].update(written(root, inputs))  # the lint cache included
    assert "contact.mobile" in runs[False]["stdout"]
    _assert_masked_then_shown(runs[False], runs[True])


def test_lint_diff_and_fix(templates):
    root, inputs = templates
    masked = invoke(["lint", "replies", "--diff"])
    shown = invoke(["lint", "replies", "--diff", "--show-matches"])
    assert masked.stdout.startswith("replies/") and "\n--- a/replies/" in masked.stdout
    _assert_masked_then_shown({"stdout": masked.stdout, "stderr": masked.stderr, **written(root, inputs)},
                              {"stdout": shown.stdout, "stderr": shown.stderr})
    fixed = invoke(["lint", "replies", "--fix", "--format", "json"])
    leaks = {name: found(text) for name, text in {"stdout": fixed.stdout, "stderr": fixed.stderr,
                                                  **written(root, set())}.items() if found(text)}
    assert leaks == {}  # after --fix the numbers are gone from the templates too


def test_baseline_and_cache_hold_no_personal_data(templates):
    root, inputs = templates
    invoke(["baseline", "replies", "-o", "baseline.json"])
    invoke(["lint", "replies"])  # writes the cache
    invoke(["lint", "replies"])  # reads it
    files = written(root, inputs)
    assert "baseline.json" in files and any(".kefulint-cache" in name for name in files)
    assert {name: found(text) for name, text in files.items() if found(text)} == {}
    shown = invoke(["lint", "replies", "--show-matches"])  # a cached run still shows them when asked
    assert found(shown.stdout) == set(SECRETS)
