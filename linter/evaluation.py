"""Precision / recall of the linter on a labelled set (one message-category pair per decision),
and the same set scanned by a plain keyword filter over the same phrase lists, for comparison."""
from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from .engine import Linter
from .finding import Severity


@dataclass
class Item:
    id: str
    text: str
    labels: frozenset[str]
    context: list
    platform: str | None = None  # judge the reply as sent there ("jd"); None: the linter's own
    note: str = ""

    @property
    def tags(self) -> tuple[str, ...]:
        """The kinds of difficulty the note names before its colon: "pinyin + needs context: ..."
        (a note without a colon is all tags)."""
        head = self.note.split(":", 1)[0]
        return tuple(t.strip() for t in head.split("+") if t.strip())


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": round(self.precision, 4),
                "recall": round(self.recall, 4), "f1": round(self.f1, 4)}


@dataclass
class Report:
    overall: Score
    per_category: dict[str, Score]
    per_tag: dict[str, Score] = field(default_factory=dict)
    misses: list[tuple[Item, str]] = field(default_factory=list)  # (item, category)
    false_alarms: list[tuple[Item, str, str]] = field(default_factory=list)  # (item, category, rules)
    items: int = 0
    skipped: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "items": self.items,
            "overall": self.overall.as_dict(),
            "categories": {c: s.as_dict() for c, s in sorted(self.per_category.items())},
            "tags": {t: s.as_dict() for t, s in sorted(self.per_tag.items())},
            "misses": [{"id": i.id, "category": c, "text": i.text} for i, c in self.misses],
            "false_alarms": [{"id": i.id, "category": c, "rules": r, "text": i.text} for i, c, r in self.false_alarms],
            "skipped": self.skipped,
        }


def read_items(lines: Iterable[str], source: str = "<input>") -> tuple[list[Item], list[str]]:
    items, problems = [], []
    for lineno, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except ValueError as exc:
            problems.append(f"{source}:{lineno}: invalid JSON: {exc}")
            continue
        if not isinstance(obj, dict) or not isinstance(obj.get("text"), str) or not isinstance(obj.get("labels", []), list):
            problems.append(f"{source}:{lineno}: needs a string 'text' and a list 'labels'")
            continue
        platform = obj.get("platform")
        items.append(Item(str(obj.get("id", lineno)), obj["text"], frozenset(obj.get("labels", [])),
                          list(obj.get("context") or []), platform if isinstance(platform, str) else None,
                          str(obj.get("note") or "")))
    return items, problems


def evaluate(items: list[Item], predict, min_severity: Severity = Severity.WARNING) -> Report:
    """``predict(item) -> {category: rule ids}``."""
    overall = Score()
    per: dict[str, Score] = {}
    report = Report(overall, per, items=len(items))
    for item in items:
        predicted = predict(item)
        tag_scores = [report.per_tag.setdefault(t, Score()) for t in item.tags]
        for cat in item.labels | set(predicted):
            scores = (overall, per.setdefault(cat, Score()), *tag_scores)
            if cat in item.labels and cat in predicted:
                for sc in scores:
                    sc.tp += 1
            elif cat in predicted:
                for sc in scores:
                    sc.fp += 1
                report.false_alarms.append((item, cat, ",".join(sorted(predicted[cat]))))
            else:
                for sc in scores:
                    sc.fn += 1
                report.misses.append((item, cat))
    return report


def linter_predictor(linter: Linter, min_severity: Severity = Severity.WARNING):
    """Predicts with ``linter``; an item that names its platform is judged by the same rules and
    settings on that platform."""

    by_platform: dict[str, Linter] = {}

    def for_item(item: Item) -> Linter:
        if not item.platform or item.platform == linter.settings.platform:
            return linter
        if item.platform not in by_platform:
            by_platform[item.platform] = type(linter)(linter.rules, linter.settings._replace(platform=item.platform))
        return by_platform[item.platform]

    def predict(item: Item) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}
        for f in for_item(item).check(item.text, item.context).findings:
            if f.severity >= min_severity:
                out.setdefault(f.category, set()).add(f.rule)
        return out

    return predict


def keyword_predictor(linter: Linter):
    """The common sensitive-word filter: plain substring matching (Aho-Corasick) of the same
    phrase lists, no normalization, no context, no confirmation."""
    import ahocorasick_rs

    table: dict[str, set[tuple[str, str]]] = {}
    for rule in linter.rules:
        words = list(rule.phrases) + list(rule.triggers if not rule.context else ())
        if rule.detector:
            from .detectors import DETECTORS

            opts = DETECTORS[rule.detector].resolved_options(rule.options)
            for key in DETECTORS[rule.detector].phrase_options + ("keywords",):
                words.extend(opts.get(key, ()))
        for w in words:
            if len(w) >= 2:
                table.setdefault(w.lower(), set()).add((rule.category, rule.id))
    keys = list(table)
    automaton = ahocorasick_rs.AhoCorasick(keys, matchkind=ahocorasick_rs.MatchKind.Standard)

    def predict(item: Item) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}
        for idx, _start, _end in automaton.find_matches_as_indexes(item.text.lower(), overlapping=True):
            for cat, rid in table[keys[idx]]:
                out.setdefault(cat, set()).add(rid)
        return out

    return predict
