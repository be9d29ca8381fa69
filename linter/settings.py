"""What a shop can set: which rules run, at what severity and points, on which platform, and
what it allows. Immutable; the config loader builds one, ``Settings()`` is the default."""
from __future__ import annotations

from typing import NamedTuple

from .finding import Severity


class Settings(NamedTuple):
    """A named tuple, not a dataclass: ``dataclasses`` (and the ``inspect`` it imports) cost a cold
    ``kefulint check`` ~20 ms. A changed copy: ``settings._replace(platform="jd")``; the fields:
    ``Settings._fields``. The two dicts' default is one shared empty dict: never mutate them."""

    rulesets: tuple[str, ...] | None = None  # built-in rulesets to enable; None = all
    extra_rulesets: tuple[str, ...] = ()  # paths of user rulesets
    disable: tuple[str, ...] = ()  # rule ids, ruleset names or categories turned off
    severity: dict[str, str] = {}  # noqa: RUF012  # rule id or category -> severity
    points: dict[str, int] = {}  # noqa: RUF012  # rule id or category -> points
    platform: str = "taobao"
    infer_platform: bool = True  # a message naming JD's own features is judged as sent on JD
    allow_domains: tuple[str, ...] = ()  # the shop's own domains
    allow_numbers: tuple[str, ...] = ()  # the shop's official hotline etc. (digits)
    allow_phrases: tuple[str, ...] = ()  # phrases that cancel any candidate inside them
    user_words: tuple[str, ...] = ()  # jieba user dictionary: product and brand names
    fail_on: Severity = Severity.ERROR
    model: bool = False  # add the review model's model.<category> findings (info, 0 points)
