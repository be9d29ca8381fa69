"""The click options commands share: --fail-on's choices and the options that choose the rules."""
from __future__ import annotations

from collections.abc import Callable

import click
from kefulint.finding import Severity
from kefulint.rules.platforms import PLATFORM_NAMES

SEVERITY_CHOICE = click.Choice([s.value for s in Severity] + ["never"])


def linter_options(func: Callable) -> Callable:
    """--config, --ruleset, --disable, --platform: the options that choose the rules."""
    options = [
        click.option("--config", "config_path", type=click.Path(dir_okay=False), default=None,
                     help="kefulint.toml or pyproject.toml (default: found from the current directory). 配置文件"),
        click.option("--ruleset", "rulesets", multiple=True, type=click.Path(dir_okay=False),
                     help="Extra ruleset file (repeatable). 额外规则文件"),
        click.option("--disable", "disable", multiple=True,
                     help="Rule id, ruleset or category to turn off (repeatable). 关闭规则"),
        click.option("--platform", type=click.Choice(PLATFORM_NAMES), default=None,
                     help="Platform the replies are sent on (default taobao). 平台"),
    ]
    for option in reversed(options):
        func = option(func)
    return func
