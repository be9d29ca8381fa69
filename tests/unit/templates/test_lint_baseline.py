"""Baselines (rule + path + reply fingerprint, no line numbers) and the content-hash cache."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from kefulint.cli.main import cli
from kefulint.templates.lint import reply_hash


@pytest.fixture
def here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "r").mkdir()
    (tmp_path / "r" / "a.txt").write_text("亲，欢迎\n电话13800138000\n你问我，我问谁？\n", encoding="utf-8")
    return tmp_path


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_baseline_file_is_sorted_and_has_no_lines_or_times(here):
    result = invoke("baseline", "r", "--no-cache")
    assert result.exit_code == 0, result.output
    text = (here / ".kefulint-baseline.json").read_text(encoding="utf-8")
    data = json.loads(text)
    assert data["version"] == 1
    assert data["findings"] == sorted(data["findings"], key=lambda e: (e["rule"], e["path"], e["hash"]))
    assert {e["rule"] for e in data["findings"]} == {"contact.mobile", "etiquette.ask-me-ask-who"}
    entry = next(e for e in data["findings"] if e["rule"] == "contact.mobile")
    assert entry == {"rule": "contact.mobile", "path": "r/a.txt", "hash": reply_hash("电话13800138000"), "count": 1}
    assert "13800138000" not in text and "line" not in text
    assert invoke("baseline", "r", "--no-cache").exit_code == 0
    assert (here / ".kefulint-baseline.json").read_text(encoding="utf-8") == text  # stable


def test_baseline_reports_only_new_findings_and_survives_moves(here):
    invoke("baseline", "r", "--no-cache")
    assert invoke("lint", "r", "--no-cache", "--baseline", ".kefulint-baseline.json").exit_code == 0
    # lines moved and a full-width copy of the same reply: still the baselined finding
    (here / "r" / "a.txt").write_text("新的一行\n\n你问我，我问谁？\n电话１３８００１３８０００\n", encoding="utf-8")
    result = invoke("lint", "r", "--no-cache", "--baseline", ".kefulint-baseline.json", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["summary"]["baselined"] == 2
    # a new finding, and a second copy of a baselined one (counts are kept)
    (here / "r" / "a.txt").write_text("电话13800138000\n电话13800138000\n加我微信 abc_123\n", encoding="utf-8")
    result = invoke("lint", "r", "--no-cache", "--baseline", ".kefulint-baseline.json", "--format", "json")
    assert result.exit_code == 1
    got = sorted((f["rule"], f["line"]) for f in json.loads(result.stdout)["findings"])
    assert got == [("contact.mobile", 2), ("contact.wechat-id", 3)]


def test_baseline_from_config_and_from_another_directory(here, monkeypatch):
    invoke("baseline", "r", "--no-cache")
    (here / "kefulint.toml").write_text('[lint]\nbaseline = ".kefulint-baseline.json"\n', encoding="utf-8")
    assert invoke("lint", "r", "--no-cache").exit_code == 0
    monkeypatch.chdir(here / "r")
    assert invoke("lint", "a.txt", "--no-cache").exit_code == 0  # paths are relative to the baseline file


def test_bad_baseline_is_a_usage_error(here):
    (here / "b.json").write_text("[1, 2]", encoding="utf-8")
    result = invoke("lint", "r", "--baseline", "b.json")
    assert result.exit_code == 2 and "not a kefulint baseline" in result.output
    result = invoke("lint", "r", "--baseline", "missing.json")
    assert result.exit_code == 2 and "baseline file not found" in result.output


def test_cache_gives_the_same_report_and_follows_content_and_config(here):
    first = invoke("lint", "r", "--format", "json")
    assert (here / ".kefulint-cache" / ".gitignore").read_text(encoding="utf-8").endswith("*\n")
    entries = list((here / ".kefulint-cache").rglob("*.json"))
    assert len(entries) == 1
    second = invoke("lint", "r", "--format", "json")
    assert second.stdout == first.stdout and second.exit_code == first.exit_code == 1
    # --show-matches works from the cache too
    assert "13800138000" in invoke("lint", "r", "--show-matches").stdout
    # a changed file is linted again
    (here / "r" / "a.txt").write_text("亲，欢迎\n", encoding="utf-8")
    assert invoke("lint", "r").exit_code == 0
    # a changed config changes the fingerprint
    (here / "r" / "a.txt").write_text("电话13800138000\n", encoding="utf-8")
    assert invoke("lint", "r").exit_code == 1
    (here / "kefulint.toml").write_text('disable = ["contact.mobile"]\n', encoding="utf-8")
    assert invoke("lint", "r").exit_code == 0


def test_cached_unreadable_file_is_still_reported(here):
    (here / "r" / "bad.json").write_text("{", encoding="utf-8")
    for _ in range(2):
        doc = json.loads(invoke("lint", "r", "--format", "json").stdout)
        assert doc["summary"]["unreadable"] == 1


def test_runner_uses_cache_entries(here):
    from kefulint.templates.run import Runner

    Runner().run(["r"])
    run = Runner().run(["r"])
    assert [r.cached for r in run.files] == [True]
    assert [r.cached for r in Runner(use_cache=False).run(["r"]).files] == [False]


def test_a_visible_cache_dir_is_not_linted(here):
    (here / "kefulint.toml").write_text('[lint]\ncache-dir = "lintcache"\n', encoding="utf-8")
    invoke("lint", ".")
    assert (here / "lintcache" / "CACHEDIR.TAG").is_file()
    doc = json.loads(invoke("lint", ".", "--format", "json").stdout)
    assert doc["summary"]["files"] == 1


def test_fail_on_does_not_invalidate_the_cache(here):
    from kefulint.templates.run import Runner

    (here / "kefulint.toml").write_text('fail-on = "warning"\n', encoding="utf-8")
    (here / "r" / "w.txt").write_text("售后热线4008123123\n", encoding="utf-8")
    first = Runner().run(["r"])
    assert first.failed()
    (here / "kefulint.toml").write_text('fail-on = "error"\n', encoding="utf-8")
    again = Runner().run(["r"])
    assert all(r.cached for r in again.files)
    assert invoke("lint", "r/w.txt").exit_code == 0
    assert invoke("lint", "r/w.txt", "--fail-on", "warning").exit_code == 1


def test_baseline_command_writes_the_configured_file_from_all_findings(here):
    (here / "ci").mkdir()
    (here / "kefulint.toml").write_text('[lint]\nbaseline = "ci/baseline.json"\n', encoding="utf-8")
    assert invoke("baseline", "r", "--no-cache").exit_code == 0
    first = json.loads((here / "ci" / "baseline.json").read_text(encoding="utf-8"))
    assert len(first["findings"]) == 2 and first["findings"][0]["path"] == "../r/a.txt"
    # writing again while the baseline is in force still records every finding
    assert invoke("baseline", "r", "--no-cache").exit_code == 0
    assert json.loads((here / "ci" / "baseline.json").read_text(encoding="utf-8")) == first
    assert invoke("lint", "r", "--no-cache").exit_code == 0


def test_cache_skips_reading_settled_unchanged_files(here, monkeypatch):
    import os
    import pathlib
    import time

    from kefulint.templates.run import Runner

    path = here / "r" / "a.txt"
    old = time.time() - 60
    os.utime(path, (old, old))  # settled: written well before it is cached
    first = Runner().run(["r"])

    read_bytes = pathlib.Path.read_bytes

    def no_reading(self):
        if self == path:
            raise AssertionError(f"{self} was read")
        return read_bytes(self)

    monkeypatch.setattr(pathlib.Path, "read_bytes", no_reading)
    again = Runner().run(["r"])
    assert [r.cached for r in again.files] == [True]
    assert [f.to_dict() for f in again.findings] == [f.to_dict() for f in first.findings]


def test_cache_follows_content_through_touch_and_rename(here):
    import os

    from kefulint.templates.run import Runner

    Runner().run(["r"])
    path = here / "r" / "a.txt"
    os.utime(path, (1, 1))  # touched: same bytes
    assert [r.cached for r in Runner().run(["r"]).files] == [True]
    path.rename(here / "r" / "b.txt")  # moved: same bytes, new path
    run = Runner().run(["r"])
    assert [(r.path, r.cached) for r in run.files] == [("r/b.txt", True)]
    assert {f.path for f in run.findings} == {"r/b.txt"}
    (here / "r" / "b.txt").write_text("亲，欢迎\n", encoding="utf-8")  # changed
    assert [r.cached for r in Runner().run(["r"]).files] == [False]


def test_an_unused_suppression_written_over_two_lines_ends_inside_the_file():
    # found by Hypothesis: the finding's end column ran past the end of its line
    from kefulint import Linter
    from kefulint.config import LintOptions
    from kefulint.templates import parse_source
    from kefulint.templates.lint import lint_source

    text = "<!--kefulint:disable=\n00000-->\n亲，在的\n"
    source = parse_source("t.md", ".md", text.encode("utf-8"), LintOptions())
    report, _ = lint_source(source, Linter.default())
    lines = text.split("\n")
    for f in report.findings:
        assert f.end_line <= len(lines) and f.end_column <= len(lines[f.end_line - 1]) + 2
