"""The engine: compile rules once, then normalize -> match -> confirm -> findings per message.

A :class:`Linter` is immutable after construction, holds no global state, is safe to share
between threads and can be pickled for process pools (the automaton is rebuilt on unpickle).
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from ..rules.model import Rule
from ..rules.platforms import get_platform, load_platforms
from ..rules.resolve import resolve_rules
from ..settings import Settings
from ..text.normalize import Normalized, fold_phrase
from ..text.segment import Segmenter
from .assemble import Assembling, Result
from .compile import Compiling
from .confirm import Confirming
from .match import Matching


class Linter(Compiling, Matching, Confirming, Assembling):
    """Rules compiled once (:mod:`.compile`); per message: match (:mod:`.match`), confirm
    (:mod:`.confirm`), assemble (:mod:`.assemble`)."""

    def __init__(self, rules: Sequence[Rule], settings: Settings | None = None, *, shortcuts: bool = True,
                 cache: bool = False) -> None:
        self._build(rules, settings, shortcuts, cache)

    def _build(self, rules: Sequence[Rule], settings: Settings | None, shortcuts: bool = True,
               cache: bool = False) -> None:
        self.settings = settings or Settings()
        # False turns off every early exit and detector prefilter (a test requires the same findings)
        self.shortcuts = shortcuts
        self.rules: tuple[Rule, ...] = tuple(rules)
        self.platform = get_platform(self.settings.platform, self.settings.allow_domains)
        self._platform_name = self.platform.name
        self._platforms = {
            name: get_platform(name, self.settings.allow_domains) for name in load_platforms()
        }
        self._cues = [
            (fold_phrase(cue), name) for name, p in load_platforms().items() for cue in p.cues
        ]
        self._allow_numbers = frozenset(re.sub(r"\D", "", n) for n in self.settings.allow_numbers)
        self.segmenter = Segmenter(self.settings.user_words)
        # cache: the compiled tables from (or to) the on-disk cache of compiled rules (cold starts)
        self._compile(cache)

    # construction ------------------------------------------------------------------------
    @classmethod
    def default(cls) -> Linter:
        return cls.from_settings(Settings())

    @classmethod
    def from_settings(cls, settings: Settings) -> Linter:
        return cls(resolve_rules(settings), settings)

    @classmethod
    def from_config(cls, path=None, **overrides) -> Linter:
        """Build from a ``kefulint.toml`` / ``pyproject.toml`` (found from the working directory
        when ``path`` is None); keyword overrides win over the file."""
        from ..config import load_settings

        return cls.from_settings(load_settings(path, **overrides))

    def __getstate__(self):
        return {"rules": self.rules, "settings": self.settings}

    def __setstate__(self, state):
        self._build(state["rules"], state["settings"])

    # checking ----------------------------------------------------------------------------
    def check(self, text: str, context: Iterable | None = None) -> Result:
        """Lint one reply. ``context`` holds the buyer's turns just before it (strings or
        ``{"role", "text"}`` dicts, oldest first)."""
        trace: dict = {}
        candidates = self._candidates(text, context, trace=trace)
        platform = trace.get("platform", self._platform_name)  # the one the message was judged on
        if not candidates:  # the common case, kept cheap
            return Result(text, (), 0, False, False, platform)
        return self._result(text, candidates, context, platform)

    def explain(self, text: str, context: Iterable | None = None) -> dict:
        """Everything ``check`` saw: search forms, jieba tokens, the platform the message was judged
        on, the rules skipped for platform or context, every candidate and its fate."""
        norm = Normalized(text)
        trace: dict = {"explain": True}
        candidates = self._candidates(text, context, keep_rejected=True, trace=trace)
        result = self._result(text, candidates, context, trace.get("platform"))
        return {
            "text": text,
            "folded": norm.folded,
            "compact": norm.compact,
            "tokens": self.segmenter.cut(norm.compact),
            "platform": result.platform,
            "configured_platform": self._platform_name,
            "skipped": [
                {"rule": self.rules[ri].id, "reason": self._skip_reason(self.rules[ri], why, result.platform)}
                for ri, why in dict.fromkeys(trace.get("skipped", ()))
            ],
            "candidates": [
                {
                    "rule": c.rule.id,
                    "start": c.start,
                    "end": c.end,
                    "text": text[c.start : c.end],
                    "source": c.source,
                    "note": c.note,
                    "status": "rejected" if c.rejected else "confirmed",
                    "reason": c.rejected or c.note or "matched",
                }
                for c in candidates
            ],
            "result": result,
        }

    @staticmethod
    def _skip_reason(rule: Rule, why: str, platform: str) -> str:
        if why == "platform":
            return f"平台 platform: only on {', '.join(rule.platforms)}, judged on {platform}"
        turns = rule.context.turns if rule.context else 0
        return f"上文 context: none of the last {turns} buyer turns says one of its context.buyer phrases"
