"""What every command shares: exit codes, building a Linter from the options, error printing (the
options themselves, click's, are in options.py)."""
from __future__ import annotations

import enum
import gc
import sys
from typing import NoReturn

from kefulint.engine import Linter
from kefulint.errors import RulesetError
from kefulint.finding import Severity


class ExitCode(enum.IntEnum):
    CLEAN = 0  # nothing at or above --fail-on
    FINDINGS = 1  # findings at or above --fail-on
    USAGE = 2  # usage, config or ruleset error


def fail(message: str) -> NoReturn:
    import click  # an error's path only: a plain check that goes well never loads click

    click.echo(f"kefulint: {message}", err=True)
    sys.exit(ExitCode.USAGE)


def cli_overrides(rulesets=(), disable=(), platform=None, **extra) -> dict:
    """Settings overrides from the shared command-line options (they win over the config)."""
    overrides: dict = dict(extra)
    if rulesets:
        overrides["extra_rulesets"] = tuple(rulesets)
    if disable:
        overrides["disable"] = tuple(disable)
    if platform:
        overrides["platform"] = platform
    return overrides


def build_linter(config_path, rulesets=(), disable=(), platform=None, **extra) -> Linter:
    """A Linter from config file plus command-line overrides; exits 2 with every problem listed."""
    from kefulint.config import ConfigError, load_settings
    from kefulint.rules.rulecache import cached_rules_and_key  # resolved rules on disk: fast cold starts

    try:
        settings = load_settings(config_path, **cli_overrides(rulesets, disable, platform, **extra))
        if disable:
            check_rule_names(disable, settings)
        rules, key = cached_rules_and_key(settings)
        linter = Linter(rules, settings, cache=key or True)
    except ConfigError as exc:
        fail("invalid config:\n  " + "\n  ".join(exc.errors))
    except RulesetError as exc:
        fail("invalid ruleset:\n  " + "\n  ".join(exc.errors))
    if not gc.isenabled():  # turned off for the start-up (main.py): what it made lives to the end
        gc.freeze()
        gc.enable()
    return linter


def validate_disable(config_path, rulesets=(), disable=()) -> None:
    """For commands that build their rules later (lint, serve): exit 2 on an unknown --disable
    name now. Config and ruleset errors are left to the build, which lists them all."""
    if not disable:
        return
    from kefulint.config import ConfigError, load_settings

    try:
        check_rule_names(disable, load_settings(config_path, **cli_overrides(rulesets)))
    except (ConfigError, RulesetError):
        return


def check_rule_names(names, settings) -> None:
    """Exit 2 when a ``--disable`` name is no rule id, category or ruleset, with the nearest
    spelling, as the same typo in kefulint.toml does. Raises RulesetError for a broken ruleset."""

    from kefulint.errors import nearest
    from kefulint.rules.builtin import builtin_names
    from kefulint.rules.categories import CATEGORIES
    from kefulint.rules.rulecache import cached_rules_and_key, rule_names

    known = rule_names(cached_rules_and_key(settings._replace(disable=()))[0]) | set(builtin_names())
    known |= {"service"} | {c for c in CATEGORIES if c.startswith("service.")}
    unknown = [f"--disable: unknown rule, category or ruleset '{n}'{nearest(n, known)}" for n in names
               if n not in known]
    if unknown:
        fail("\n  ".join(unknown))


def fail_on_rank(value: str | None) -> int:
    """Severity rank at which the exit code becomes 1; 'never' never fails."""
    if value == "never":
        return 99
    return Severity(value or "error").rank
