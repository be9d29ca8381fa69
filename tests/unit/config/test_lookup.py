"""Finding the config without the TOML parser: a pyproject.toml is parsed only when a line may define
[tool.kefulint], and the answer is always the parser's."""
from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from kefulint.config.lookup import _has_tool_table

ROOT = Path(__file__).resolve().parents[3]

CASES = [
    '[tool.kefulint]\nplatform = "jd"\n',
    '[ tool . "kefulint" ]\nplatform = "jd"\n',
    "[tool.'kefulint'.lint]\ncache = false\n",
    '[tool]\nkefulint = { platform = "jd" }\n',
    '[tool]\nkefulint.platform = "jd"\n',
    '["tool"]\n"kefulint".platform = "jd"\n',
    'tool.kefulint.platform = "jd"\n',
    "tool = { kefulint = { platform = 'jd' } }\n",
    '[tool."kefu\\u006cint"]\nplatform = "jd"\n',
    '[[tool.kefulint]]\nx = 1\n',
    '[tool.kefulint-extra]\nx = 1\n',
    '[tool.ruff]\nline-length = 120\n[project.scripts]\nkefulint = "kefulint.cli.main:main"\n',
    '[project]\nname = "kefulint"\n[tool.setuptools]\npackage-dir = { "kefulint" = "linter" }\n',
    '[tool.mypy]\nx = """\n[tool.kefulint]\n"""\n',
    "[tool.kefulint\nbroken",
    "",
    (ROOT / "pyproject.toml").read_text(encoding="utf-8"),
]


def parsed(text: str) -> bool:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return False
    return isinstance(data.get("tool"), dict) and "kefulint" in data["tool"]


@pytest.mark.parametrize("text", CASES)
def test_the_answer_is_the_parsers(tmp_path, text):
    path = tmp_path / "pyproject.toml"
    path.write_text(text, encoding="utf-8")
    assert _has_tool_table(path) == parsed(text)


def test_a_start_without_a_config_imports_no_toml_parser(tmp_path):
    (tmp_path / "pyproject.toml").write_text(CASES[-1], encoding="utf-8")
    code = ("import sys; from kefulint.config import load_settings; load_settings(start_dir=sys.argv[1]); "
            "sys.exit('tomllib' in sys.modules or 'kefulint.config.loader' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code, str(tmp_path)], check=False).returncode == 0
