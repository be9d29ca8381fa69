"""The engine: compile rules once, then normalize -> match -> confirm -> findings per message.

A :class:`Linter` is immutable after construction, holds no global state, is safe to share
between threads and can be pickled for process pools (the automaton is rebuilt on unpickle).
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from ..finding import Severity
from ..rules.platforms import get_platform, load_platforms
from ..rules.rulecache import cache_dir
from ..rules.rulelist import RuleList
from ..settings import Settings
from ..text.normalize import Normalized, fold_phrase
from ..text.segment import Segmenter
from .assemble import Assembling, Result
from .compile import Compiling
from .confirm import Confirming
from .match import Matching
from .regexcode import keep_regex_code

if TYPE_CHECKING:
    from ..rules.model import Rule  # the rules' type only: the model is imported when a rule is decoded

_new_tuple = tuple.__new__
# the fields of a Result after the six ``check`` sets for a clean reply: their defaults, named one by
# one (a tuple display costs less per message than unpacking a tuple into one)
_CANDIDATES, _ERRORS, _FIXING = (Result._field_defaults[name] for name in Result._fields[6:])


class Linter(Compiling, Matching, Confirming, Assembling):
    """Rules compiled once (:mod:`.compile`); per message: match (:mod:`.match`), confirm
    (:mod:`.confirm`), assemble (:mod:`.assemble`)."""

    def __init__(self, rules: Sequence[Rule], settings: Settings | None = None, *, shortcuts: bool = True,
                 cache: bool | str = False, model: bool | None = None) -> None:
        self._build(rules, settings, shortcuts, cache, model)

    def _build(self, rules: Sequence[Rule], settings: Settings | None, shortcuts: bool = True,
               cache: bool | str = False, model: bool | None = None) -> None:
        self.settings = settings or Settings()
        # the review model (kefulint.model): off unless asked for here or in the settings;
        # its weights are read on the first message that needs them
        self.use_model = self.settings.model if model is None else model
        self._model: Any = None
        self._model_findings: Any = None
        # False turns off every early exit and detector prefilter (a test requires the same findings)
        self.shortcuts = shortcuts
        # the rules of the rules cache stay a RuleList: each is decoded when a message first needs it
        self.rules: Sequence[Rule] = rules if isinstance(rules, RuleList) else tuple(rules)
        self.platform = get_platform(self.settings.platform, self.settings.allow_domains)
        self._platform_name = self.platform.name
        self._platforms = {
            name: get_platform(name, self.settings.allow_domains) for name in load_platforms()
        }
        self._cues = [
            (fold_phrase(cue), name) for name, p in load_platforms().items() for cue in p.cues
        ]
        self._allow_numbers = frozenset(re.sub(r"\D", "", n) for n in self.settings.allow_numbers)
        # with the on-disk cache, the segmenter keeps its dictionary's index there (text/jiebadict.py),
        # and the package's own regexes their code (engine/regexcode.py)
        folder = cache_dir() if cache else None
        self.segmenter = Segmenter(self.settings.user_words, folder)
        if folder is not None:
            keep_regex_code(folder)
        # cache: the compiled tables from (or to) the on-disk cache (tablecache.py), for cold starts;
        # a str is a key that stands for the rules (the rules cache gives one)
        self._compile(cache)

    # construction ------------------------------------------------------------------------
    @classmethod
    def default(cls) -> Linter:
        return cls.from_settings(Settings())

    @classmethod
    def from_settings(cls, settings: Settings) -> Linter:
        from ..rules.resolve import resolve_rules

        return cls(resolve_rules(settings), settings)

    @classmethod
    def from_config(cls, path=None, **overrides) -> Linter:
        """Build from a ``kefulint.toml`` / ``pyproject.toml`` (found from the working directory
        when ``path`` is None); keyword overrides win over the file."""
        from ..config import load_settings

        return cls.from_settings(load_settings(path, **overrides))

    def __getstate__(self):
        return {"rules": tuple(self.rules), "settings": self.settings, "model": self.use_model}

    def __setstate__(self, state):
        self._build(state["rules"], state["settings"], model=state.get("model"))

    @property
    def model(self):
        """The review model (:class:`kefulint.model.weights.Model`), loaded on first use."""
        if self._model is None:
            from ..model.findings import model_findings
            from ..model.weights import shipped_model

            self._model, self._model_findings = shipped_model(), model_findings
        return self._model

    # checking ----------------------------------------------------------------------------
    def check(self, text: str, context: Iterable | None = None, *, norm: Normalized | None = None) -> Result:
        """Lint one reply. ``context`` holds the buyer's turns just before it (strings or
        ``{"role", "text"}`` dicts, oldest first). ``norm``: ``Normalized(text)`` when the caller
        reads the search forms too (the scan's greeting and farewell checks), so that the text is
        normalized once."""
        candidates, pieces, platform = self._plain_candidates(text, context, False, None, norm)  # platform: judged on
        if pieces:
            candidates.extend(self._rejoined_candidates(text, context, candidates, False))
        if not candidates:  # the common case, kept cheap: Result without its Python-level __new__
            result = _new_tuple(Result, (text, (), 0, False, False, platform, _CANDIDATES, _ERRORS, _FIXING))
        else:
            result = self._result(text, candidates, context, platform)
        return self.add_model_findings(result) if self.use_model else result

    def add_model_findings(self, result: Result) -> Result:
        """``result`` with the review model's findings appended after the rules' (categories the
        rules found are not repeated); info and 0 points, so they block only where fail-on is info.
        ``check`` calls it when the model is on; the service calls it for a request that asks."""
        model = self._model or self.model
        extra = self._model_findings(model, result.text, result.findings)
        if not extra:
            return result
        return result._replace(findings=result.findings + extra,
                               blocked=result.blocked or self.settings.fail_on <= Severity.INFO)

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
                    "sensitive": c.rule.sensitive,  # personal data: reports mask it
                    "status": "rejected" if c.rejected else "confirmed",
                    "reason": c.rejected or c.note or "matched",
                }
                for c in candidates
            ],
            "result": self.add_model_findings(result) if self.use_model else result,
            "model": [v._asdict() for v in self.model.verdicts(norm, every=True, top=5)[:3]] if self.use_model else None,
        }

    @staticmethod
    def _skip_reason(rule: Rule, why: str, platform: str) -> str:
        if why == "platform":
            return f"平台 platform: only on {', '.join(rule.platforms)}, judged on {platform}"
        turns = rule.context.turns if rule.context else 0
        if why == "consent":
            return f"上文 context: one of the last {turns} buyer turns asks for it (context.unless)"
        return f"上文 context: none of the last {turns} buyer turns says one of its context.buyer phrases"
