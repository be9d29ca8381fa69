"""Knowledge copied is knowledge that drifts: each of these is written in one place, and the code
everywhere else derives from it. (Each copy once became a real miss: a buyer role the engine did
not know, a top-level severity for a conversation rule that was accepted and ignored.)"""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted([*ROOT.joinpath("linter").rglob("*.py"), *ROOT.joinpath("cli").rglob("*.py")])


def _holders(needle: str) -> list[str]:
    return [str(p.relative_to(ROOT)) for p in SOURCES if needle in p.read_text(encoding="utf-8")]


@pytest.mark.parametrize("needle, home", [
    ('"顾客"', ["linter/text/roles.py"]),  # the buyer and agent roles
    ("xyz", ["linter/text/domains.py"]),  # the top-level domains
    ("get_close_matches", ["linter/errors.py"]),  # the nearest spelling
    ("service.first-response", []),  # the conversation rules: rulesets/service.toml
    ("service.reply-time", []),
    ('"douyin"', []),  # the platform names: linter/data/platforms.toml
    ('"亲爱哒"', []),  # the opening words of the greeting rule: rulesets/service.toml
])
def test_written_once(needle, home):
    assert _holders(needle) == home


def test_platform_names_come_from_the_data_file():
    import tomllib

    from kefulint.rules.platforms import PLATFORM_NAMES

    data = tomllib.loads(ROOT.joinpath("linter/data/platforms.toml").read_text(encoding="utf-8"))
    assert PLATFORM_NAMES == tuple(data) == ("taobao", "tmall", "jd", "pdd", "douyin")


def test_every_tld_opens_the_link_gate(linter):
    """The cheap look for a link and the link detector share one list of top-level domains."""
    from kefulint.text.domains import TLDS

    missed = [tld for tld in TLDS if "offplatform.link" not in {f.category for f in linter.check(f"去 shopx.{tld} 看看").findings}]
    assert missed == []


def test_the_version_is_written_once():
    import tomllib
    from importlib.metadata import version

    import kefulint

    project = tomllib.loads(ROOT.joinpath("pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert "version" not in project and project["dynamic"] == ["version"]
    assert version("kefulint") == kefulint.__version__
