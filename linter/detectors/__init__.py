"""Named detectors: code that finds numbers, ids, links and e-mails that phrases cannot.

A detector module defines ``DETECTORS``, a tuple of :class:`Detector` objects; they are found by
walking this package, so adding one touches its own module only. A rule names one with
``detector = "<name>"`` and may pass ``options``.
"""
from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..finding import Severity

if TYPE_CHECKING:
    from ..text.view import MessageView


@dataclass(frozen=True, slots=True)
class Hit:
    """A detector's candidate: a span of the FOLDED text, with what it saw."""

    start: int
    end: int
    note: str = ""
    severity: Severity | None = None


@dataclass(frozen=True)
class Detector:
    name: str
    description: str
    # find(view, options, keyword_hits) -> hits; keyword_hits are compact spans of the phrases
    # named by phrase_options that the one multi-pattern pass found
    find: Callable[[MessageView, dict, list], Iterable[Hit]]
    # option name -> (type, default); options a rule may set
    options: dict[str, tuple[type, object]] = field(default_factory=dict)
    # option names whose values are phrases to register in the one multi-pattern pass
    phrase_options: tuple[str, ...] = ()
    # What a message needs for this detector to find anything, declared as data: the engine
    # builds its early exits from the prefilters of the detectors that are on (and a test turns
    # them off and requires the same findings).
    # min_digits: the fewest digits (0-9 in the folded text) a message needs;
    # prefilter_chars: characters of which the folded text must hold one (the engine looks for
    # all detectors' characters in one search of a character class);
    # prefilter: a regex that must then match somewhere in the folded text.
    # A detector that declares none of them runs on every message.
    min_digits: int = 0
    prefilter_chars: str = ""
    prefilter: str | None = None
    # number detectors: the fewest digits a number run needs for this detector to find anything
    min_run: int = 0
    # or the name of the option that says so for a rule (a QQ number's min_digits): the larger counts
    min_run_option: str | None = None
    # a finer test, run only when the prefilter passed (may look at number runs, links ...)
    gate: Callable[[MessageView], bool] | None = None
    # True when the detector finds nothing without one of its keywords in the message
    needs_keywords: bool = False
    # keyword detectors: the name of a compiled option (a regex, made by ``prepare``) that must
    # match somewhere in the compact text for ``find`` to find anything; the engine searches it
    # once in a message that holds a keyword, before it wakes the rule (a common keyword such as
    # 订单 would otherwise wake it on most messages)
    compact_prefilter: str | None = None
    # turns resolved options into what ``find`` reads, once at compile time
    prepare: Callable[[dict], dict] = lambda options: options

    def resolved_options(self, given: dict) -> dict:
        merged = {key: default for key, (_type, default) in self.options.items()}
        merged.update(given)
        return merged

    def compiled_options(self, given: dict) -> dict:
        return self.prepare(self.resolved_options(given))

    def validate(self, given: dict) -> list[str]:
        errors = []
        for key, value in given.items():
            if key not in self.options:
                errors.append(
                    f"detector '{self.name}' has no option '{key}' (options: {', '.join(sorted(self.options)) or 'none'})"
                )
                continue
            expected = self.options[key][0]
            if expected is list and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
                errors.append(f"option '{key}' must be a list of strings")
            elif expected is int and (not isinstance(value, int) or isinstance(value, bool)):
                errors.append(f"option '{key}' must be an integer")
            elif expected is str and not isinstance(value, str):
                errors.append(f"option '{key}' must be a string")
            elif expected is bool and not isinstance(value, bool):
                errors.append(f"option '{key}' must be true or false")
        return errors


def _discover() -> dict[str, Detector]:
    found: dict[str, Detector] = {}
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        for det in getattr(module, "DETECTORS", ()):
            if det.name in found:
                raise RuntimeError(f"detector {det.name!r} defined twice")
            found[det.name] = det
    return found


DETECTORS: dict[str, Detector] = _discover()
