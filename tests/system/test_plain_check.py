"""A plain ``kefulint check TEXT...`` (no option) runs without click (cli/main.py): the same output,
errors and exit code as the click command, and click is not imported."""
from __future__ import annotations

import subprocess
import sys

import pytest
from click.testing import CliRunner
from kefulint.cli.main import cli, plain_check

CASES = [
    ["亲，您好，请问有什么可以帮您？"],
    ["亲，加我微信 abc_123", "你好", "有事打我电话 13800138000"],
    ["加我vx 12345678901"],
    ["./no-such-drafts.txt"],
    ["samples/drafts.txt"],
]


def _plain(args: list[str]) -> subprocess.CompletedProcess:
    code = "import sys; from kefulint.cli.main import main; sys.argv[0] = 'kefulint'; main()"
    return subprocess.run([sys.executable, "-c", code, "check", *args], capture_output=True, text=True,
                          encoding="utf-8", check=False, timeout=120)


@pytest.mark.parametrize("args", CASES)
def test_plain_check_is_the_click_command(args):
    assert plain_check(["check", *args])
    got = _plain(args)
    want = CliRunner().invoke(cli, ["check", *args])
    assert (got.returncode, got.stdout, got.stderr) == (want.exit_code, want.stdout, want.stderr)


def test_plain_check_does_not_import_click():
    code = ("import sys; from kefulint.cli.main import main; sys.argv[1:] = ['check', '你好']\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\nprint('click' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().endswith("False")


def test_a_cold_check_of_a_clean_reply_loads_only_what_it_needs(tmp_path):
    """With the caches filled: no TOML parser, config loader or rule model imported, no automaton
    built, no collection while it starts (issue 14: the cold start)."""
    import os

    code = ("import sys, gc; from kefulint.cli.main import main; sys.argv[1:] = ['check', '亲，您好，请问有什么可以帮您？']\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('click', 'tomllib', 'kefulint.config.loader', 'kefulint.rules.model',"
            " 'ahocorasick_rs', 'regex') if m in sys.modules), gc.get_stats()[2]['collections'])")
    env = {**os.environ, "KEFULINT_CACHE_DIR": str(tmp_path / "cache")}
    env.pop("KEFULINT_NO_CACHE", None)
    run = [sys.executable, "-c", code]
    subprocess.run(run, capture_output=True, check=True, cwd=tmp_path, env=env)  # fills the caches
    out = subprocess.run(run, capture_output=True, text=True, check=True, cwd=tmp_path, env=env).stdout
    assert out.strip().splitlines()[-1] == "[] 0"


@pytest.mark.parametrize("args", [["check"], ["check", "-"], ["check", "--format", "json", "x"], ["check", "x", "--"],
                                  ["rules"], ["check", "x", "-h"]])
def test_anything_else_goes_to_click(args):
    assert not plain_check(args)
