"""The sample template repository: its golden report, and a real pre-commit run of the hook."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from kefulint.cli.main import cli

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "samples" / "templates"
GOLDEN = SAMPLE / "lint.expected.json"
UPDATE = os.environ.get("KEFULINT_UPDATE_GOLDEN") == "1"  # regenerate deliberately


def test_sample_repo_golden_report(monkeypatch):
    monkeypatch.chdir(SAMPLE)
    result = CliRunner().invoke(cli, ["lint", "--no-cache", "--format", "json"])
    assert result.exit_code == 1, result.output
    if UPDATE:
        GOLDEN.write_text(result.stdout, encoding="utf-8")
    assert json.loads(result.stdout) == json.loads(GOLDEN.read_text(encoding="utf-8"))


def test_sample_repo_shows_each_feature(monkeypatch):
    monkeypatch.chdir(SAMPLE)
    doc = json.loads(CliRunner().invoke(cli, ["lint", "--no-cache", "--format", "json"]).stdout)
    kinds = {Path(f["path"]).suffix for f in doc["findings"]}
    assert kinds == {".csv", ".yaml", ".md"}
    assert doc["summary"]["suppressed"] == 1  # the CSV's kefulint column
    assert not any(f["rule"].startswith("kefulint.") for f in doc["findings"])
    assert {"path": "README.md", "reason": "not in [lint] include"} not in doc["skipped"]  # a walk skips quietly


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                   env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
                        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"})


def _git_copy(src: Path, dst: Path, ignore=None) -> Path:
    shutil.copytree(src, dst, ignore=ignore)
    _git(dst, "init", "-q")
    _git(dst, "add", "-A")
    _git(dst, "commit", "-q", "-m", "copy")
    return dst


@pytest.mark.slow
def test_pre_commit_try_repo_runs_the_hook(tmp_path):
    """pre-commit installs this repository's hook into its own virtualenv (pip, from the
    package index) and runs it on a git copy of the sample repository."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    hook_repo = _git_copy(ROOT, tmp_path / "kefulint", shutil.ignore_patterns(
        ".venv", ".git", "*.egg-info", "__pycache__", ".kefulint-cache", ".pytest_cache", "build", "dist"))
    sample = _git_copy(SAMPLE, tmp_path / "sample", shutil.ignore_patterns(".kefulint-cache"))
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), "PRE_COMMIT_COLOR": "never"}
    cmd = [sys.executable, "-m", "pre_commit", "try-repo", str(hook_repo), "kefulint", "--all-files"]
    done = subprocess.run(cmd, check=False, cwd=sample, env=env, capture_output=True, text=True, timeout=600)
    out = done.stdout + done.stderr
    assert done.returncode == 1, out
    assert "Failed" in out and "- hook id: kefulint" in out
    assert "replies/quick_replies.csv:7:20: error contact.wechat-id" in out
    assert "meimei_kf88" not in out  # masked in the hook's output too
    # the same hook passes once the findings are fixed or removed
    for name in ("quick_replies.csv", "ai_agent.yaml", "faq.md"):
        (sample / "replies" / name).unlink()
    (sample / "replies" / "ok.txt").write_text("亲，欢迎光临\n", encoding="utf-8")
    _git(sample, "add", "-A")
    done = subprocess.run(cmd, check=False, cwd=sample, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Passed" in done.stdout


def test_pre_commit_hook_definition():
    import yaml

    [hook] = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert (hook["id"], hook["entry"], hook["language"]) == ("kefulint", "kefulint lint", "python")


def test_action_lint_step_writes_valid_sarif_and_exit_code(tmp_path):
    """Runs the composite action's lint step script as GitHub would (bash, env, GITHUB_OUTPUT)."""
    import jsonschema
    import yaml

    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    assert action["runs"]["using"] == "composite"
    steps = {s.get("name", s.get("uses")): s for s in action["runs"]["steps"]}
    assert steps["Upload SARIF"]["uses"].startswith("github/codeql-action/upload-sarif@")
    lint_step = steps["Lint"]
    if shutil.which("bash") is None:
        pytest.skip("bash is not installed")
    sample = tmp_path / "sample"
    shutil.copytree(SAMPLE, sample, ignore=shutil.ignore_patterns(".kefulint-cache"))
    output = tmp_path / "github_output"
    env = {**os.environ, "PATHS": ".", "ARGS": "--no-cache", "SARIF_FILE": "kefulint.sarif",
           "GITHUB_OUTPUT": str(output), "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run(["bash", "-c", lint_step["run"]], cwd=sample, env=env, capture_output=True, text=True,
                          check=False, timeout=300)
    assert done.returncode == 0, done.stderr
    assert output.read_text(encoding="utf-8").strip() == "exit-code=1"
    assert "::error file=replies/quick_replies.csv,line=7,col=20," in done.stdout
    doc = json.loads((sample / "kefulint.sarif").read_text(encoding="utf-8"))
    schema = json.loads((ROOT / "tests" / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema).validate(doc)
