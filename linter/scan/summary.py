"""Totals of a scan: counts, points per agent / category / rule / period, worst conversations,
agents over the threshold. Memory is bounded by the number of agents, rules and days, not by
the length of the log. Every ordering has a tie-break, so reports are byte-identical."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache

from ..finding import Severity
from ..model.review import Entry, ReviewQueue
from .fields import utc_second
from .judge import Judged
from .readers import Skip, format_time
from .records import shown_id

NO_AGENT = "(未标明)"
NO_TIME = "(无时间)"
PERIODS = ("day", "week", "month", "year", "all")
SCHEMA_VERSION = 1
_RANKS = {s.value: s.rank for s in Severity}


@dataclass(frozen=True)
class Thresholds:
    """An agent is marked when, in one period, points exceed ``points`` or the findings of a
    rule/category exceed its count in ``counts`` (e.g. more than 3 of etiquette.abuse).

    Only findings at or above ``severity`` count toward ``points`` (info findings, such as a
    missing greeting, are reported but do not mark an agent unless configured). A period other
    than ``all`` needs timestamps: findings whose time is unknown mark no one."""

    points: int = 60
    period: str = "month"
    counts: dict[str, int] = field(default_factory=dict)
    severity: str = "warning"


def period_key(seconds: float | None, period: str) -> str:
    if period == "all":
        return "all"
    if seconds is None:
        return NO_TIME
    second = utc_second(seconds)
    if second is None:
        return _period_of(datetime.fromtimestamp(seconds, UTC), period)
    return _day_period(second // 86400, period)


def _period_and_day(seconds: float | None, period: str) -> tuple[str, str]:
    """``period_key(seconds, period)`` and ``period_key(seconds, "day")``, the time read once."""
    if seconds is None:
        return period_key(None, period), NO_TIME
    second = utc_second(seconds)
    if second is None:
        return period_key(seconds, period), period_key(seconds, "day")
    return _day_keys(second // 86400, period)


@lru_cache(maxsize=4096)
def _day_keys(day: int, period: str) -> tuple[str, str]:
    """A day's period and its date, looked up once for a turn (a scan's turns share a few days)."""
    return "all" if period == "all" else _day_period(day, period), _day_period(day, "day")


@lru_cache(maxsize=4096)
def _day_period(day: int, period: str) -> str:
    """Every period is a set of whole days: a date is formatted once per day and period."""
    return _period_of(datetime.fromtimestamp(day * 86400, UTC), period)


def _period_of(dt: datetime, period: str) -> str:
    if period == "day":
        return dt.strftime("%Y-%m-%d")
    if period == "week":
        year, week, _ = dt.isocalendar()
        return f"{year}-W{week:02d}"
    if period == "year":
        return dt.strftime("%Y")
    return dt.strftime("%Y-%m")


class AgentStats:
    __slots__ = (
        "conversations",
        "fatal",
        "fatal_conversations",
        "findings",
        "points",
        "seconds_max",
        "seconds_total",
        "slow",
        "timed",
        "turns",
    )

    def __init__(self) -> None:
        self.turns = self.findings = self.points = self.fatal = 0
        self.conversations = self.fatal_conversations = 0
        self.timed = self.slow = 0
        self.seconds_total = self.seconds_max = 0.0


class ScanSummary:
    def __init__(self, thresholds: Thresholds | None = None, top: int = 10, review: int = 0,
                 show_matches: bool = False) -> None:
        self.thresholds = thresholds or Thresholds()
        self.top = top
        # the review model's queue of messages the rules did not flag (None: model off)
        self.review = ReviewQueue(review) if review else None
        self.show_matches = show_matches
        self.counts = {"lines": 0, "messages": 0, "agent_turns": 0, "buyer_turns": 0, "skipped": 0,
                       "conversations": 0, "findings": 0, "points": 0, "fatal_findings": 0,
                       "fatal_conversations": 0}
        self.files: list[dict] = []
        self.agents: dict[str, AgentStats] = {}
        self.categories: dict[str, list[int]] = {}  # -> [findings, points]
        self.rules: dict[str, list] = {}  # -> [category, severity, findings, points]
        self.severities: dict[str, int] = {}
        self.periods: dict[tuple[str, str], dict] = {}  # (agent, period) -> {"points", "counts"}
        self.days: dict[str, int] = {}
        self._worst: list[tuple] = []
        self.skips: list[str] = []  # the first few, for the terminal
        self.max_rank = -1  # highest severity rank seen
        # A partial summary (one batch of a scan, made by a worker) also keeps each conversation's
        # response seconds per agent in order, and the review entries offered, so that merging
        # adds the floats and offers the entries as one summary would (see merge).
        self.partial = False
        self._seconds: list[tuple[str, float]] = []
        self._offered: list[Entry] = []

    # adding -------------------------------------------------------------------------------
    def add_skip(self, skip: Skip, keep: int = 20) -> None:
        self.counts["skipped"] += 1
        if len(self.skips) < keep:
            self.skips.append(str(skip))

    def add(self, judged: Judged) -> None:
        c = self.counts
        c["conversations"] += 1
        turns = sum(judged.agent_turns.values())
        c["agent_turns"] += turns
        c["buyer_turns"] += judged.buyer_turns
        c["messages"] += turns + judged.buyer_turns
        for agent, n in judged.agent_turns.items():
            self._agent(agent).turns += n
        for agent, (timed, slow, total, worst) in judged.timing.items():
            a = self._agent(agent)
            a.timed += timed
            a.slow += slow
            a.seconds_total += total
            a.seconds_max = max(a.seconds_max, worst)
            if self.partial:
                self._seconds.append((agent, total))
        conv_points = 0
        conv_fatal = False
        agents_hit: dict[str, bool] = {}
        period = self.thresholds.period
        counted = _RANKS[self.thresholds.severity]
        watched = self.thresholds.counts
        periods, days, severities, categories, rules = self.periods, self.days, self.severities, self.categories, self.rules
        max_rank = self.max_rank
        # what a turn's findings share (agent, period, day) is looked up once per turn; the sums of
        # a turn's points are added once (integers: the same totals in any order)
        agents = self.agents
        for turn in judged.turns:
            message = turn.message
            agent = message.agent or NO_AGENT
            stats = agents.get(agent)
            if stats is None:
                stats = agents[agent] = AgentStats()
            when = message.time if message.time is not None else judged.start_time
            period_text, day = _period_and_day(when, period)
            bucket = periods.get((agent, period_text))
            if bucket is None:
                bucket = periods[agent, period_text] = {"points": 0, "counts": {}}
            points = counted_points = fatal = 0
            for f in turn.findings:
                rule_id, category, level, worth = f[:4]  # rule, category, severity, points
                points += worth
                # the plain value (an enum's .value and a dict keyed by members run Python code)
                severity = level._value_
                rank = _RANKS[severity]
                seen = severities.get(severity)
                if seen is None:  # only a severity not seen before can raise the highest rank
                    severities[severity] = 1
                    max_rank = max(max_rank, rank)
                else:
                    severities[severity] = seen + 1
                if f.fatal:
                    fatal += 1
                cat = categories.get(category)
                if cat is None:
                    cat = categories[category] = [0, 0]
                cat[0] += 1
                cat[1] += worth
                rule = rules.get(rule_id)
                if rule is None:
                    rule = rules[rule_id] = [category, severity, 0, 0]
                rule[2] += 1
                rule[3] += worth
                if rank >= counted:
                    counted_points += worth
                if watched:
                    for key in (rule_id, category):
                        if key in watched:
                            bucket["counts"][key] = bucket["counts"].get(key, 0) + 1
            found = len(turn.findings)
            c["findings"] += found
            c["points"] += points
            conv_points += points
            stats.findings += found
            stats.points += points
            if fatal:
                stats.fatal += fatal
                c["fatal_findings"] += fatal
                conv_fatal = True
            agents_hit[agent] = agents_hit.get(agent, False) or fatal > 0
            bucket["points"] += counted_points
            if day != NO_TIME:
                days[day] = days.get(day, 0) + points
        self.max_rank = max_rank
        for agent, fatal in agents_hit.items():
            a = self.agents[agent]
            a.conversations += 1
            a.fatal_conversations += fatal
        if conv_fatal:
            c["fatal_conversations"] += 1
        if self.review is not None:
            for turn_no, msg, category, probability, grams in judged.review:
                entry = Entry(probability, category, grams, msg.text, {
                    "conversation": judged.conversation, "turn": turn_no, "agent": msg.agent,
                    "time": format_time(msg.time), "source": msg.source, "line": msg.line})
                if self.partial:
                    self._offered.append(entry)
                else:
                    self.review.offer(entry)
        if conv_points or conv_fatal:
            # the start time is formatted only for the few conversations reported (worst())
            self._worst.append((conv_fatal, conv_points, judged.conversation, judged.source, judged.first_line,
                                judged.start_time, tuple(sorted(agents_hit))))
            if len(self._worst) > 4 * self.top + 64:
                self._trim()

    def merge(self, part: ScanSummary) -> None:
        """Adds a partial summary (``partial`` set) of the conversations that follow the ones
        added so far: the result is what adding them one by one would have given."""
        for key, value in part.counts.items():
            self.counts[key] += value
        for name, b in part.agents.items():
            a = self.agents.get(name)
            if a is None:
                a = self.agents[name] = AgentStats()
            a.turns += b.turns
            a.findings += b.findings
            a.points += b.points
            a.fatal += b.fatal
            a.conversations += b.conversations
            a.fatal_conversations += b.fatal_conversations
            a.timed += b.timed
            a.slow += b.slow
            a.seconds_max = max(a.seconds_max, b.seconds_max)
        for agent, total in part._seconds:  # floats added in the order one summary adds them
            self._agent(agent).seconds_total += total
        for name, (n, pts) in part.categories.items():
            category = self.categories.setdefault(name, [0, 0])
            category[0] += n
            category[1] += pts
        for name, (cat, sev, n, pts) in part.rules.items():
            rule = self.rules.setdefault(name, [cat, sev, 0, 0])
            rule[2] += n
            rule[3] += pts
        for name, n in part.severities.items():
            self.severities[name] = self.severities.get(name, 0) + n
        for agent_period, bucket in part.periods.items():
            period = self.periods.setdefault(agent_period, {"points": 0, "counts": {}})
            period["points"] += bucket["points"]
            for k, n in bucket["counts"].items():
                period["counts"][k] = period["counts"].get(k, 0) + n
        for day, pts in part.days.items():
            self.days[day] = self.days.get(day, 0) + pts
        self._worst.extend(part._worst)  # each part keeps its own worst: the top of all is among them
        if len(self._worst) > 4 * self.top + 64:
            self._trim()
        self.max_rank = max(self.max_rank, part.max_rank)
        if self.partial:
            self._seconds.extend(part._seconds)
            self._offered.extend(part._offered)
        elif self.review is not None:
            for entry in part._offered:  # a queue keeps the first of equals: offered in order
                self.review.offer(entry)

    def _agent(self, name: str) -> AgentStats:
        key = name or NO_AGENT
        stats = self.agents.get(key)
        if stats is None:
            stats = self.agents[key] = AgentStats()
        return stats

    def _trim(self) -> None:
        self._worst.sort(key=lambda w: (not w[0], -w[1], w[2], w[3], w[4]))
        del self._worst[self.top :]

    # reading ------------------------------------------------------------------------------
    def flagged(self) -> dict[str, list[str]]:
        """agent -> reasons it is marked: over the threshold in a period, or any fatal finding."""
        out = self._over_threshold()
        for agent, a in self.agents.items():
            if a.fatal:
                out.setdefault(agent, []).append(f"致命项 {a.fatal} 次")
        return {k: out[k] for k in sorted(out)}

    def over_threshold(self) -> dict[str, list[str]]:
        """agent -> why it is over a threshold (points or counts) in some period: the ⚑ of the reports,
        which a fatal finding alone does not earn (that is ☠)."""
        out = self._over_threshold()
        return {k: out[k] for k in sorted(out)}

    def _over_threshold(self) -> dict[str, list[str]]:
        t = self.thresholds
        out: dict[str, list[str]] = {}
        for (agent, period), bucket in sorted(self.periods.items()):
            if period == NO_TIME:
                continue  # a period threshold needs to know when: a log without times marks no one
            label = "" if period == "all" else f"{period} "
            if bucket["points"] > t.points:
                out.setdefault(agent, []).append(f"{label}{bucket['points']} 分 > {t.points}")
            for key, limit in sorted(t.counts.items()):
                n = bucket["counts"].get(key, 0)
                if n > limit:
                    out.setdefault(agent, []).append(f"{label}{key} {n} 次 > {limit}")
        return out

    def ranked_agents(self) -> list[tuple[str, AgentStats]]:
        return sorted(self.agents.items(), key=lambda kv: (-kv[1].points, -kv[1].fatal, kv[0]))

    def worst(self) -> list[dict]:
        """The worst conversations, their ids and agents as reports print them (:meth:`shown`)."""
        self._trim()
        shown = self.shown
        return [
            {"conversation": shown(w[2]), "points": w[1], "fatal": w[0], "source": w[3], "line": w[4],
             "time": format_time(w[5]), "agents": [shown(a) for a in w[6]]}
            for w in self._worst
        ]

    def shown(self, name: str) -> str:
        """A conversation id or an agent's name as reports print it: personal numbers masked unless
        ``show_matches``. The totals stay keyed by the names as they are."""
        return shown_id(name, self.show_matches)

    def to_dict(self) -> dict:
        flagged = self.flagged()
        return {
            "schema_version": SCHEMA_VERSION,
            "counts": dict(self.counts),
            "files": list(self.files),
            "thresholds": {"points": self.thresholds.points, "period": self.thresholds.period,
                           "severity": self.thresholds.severity,
                           "counts": dict(sorted(self.thresholds.counts.items()))},
            "agents": [
                {"agent": self.shown(name), "points": a.points, "findings": a.findings, "fatal": a.fatal,
                 "turns": a.turns, "conversations_with_findings": a.conversations,
                 "fatal_conversations": a.fatal_conversations, "flagged": name in flagged,
                 "reasons": flagged.get(name, []),
                 "response_times": a.timed, "slow_responses": a.slow,
                 "mean_response_seconds": round(a.seconds_total / a.timed, 2) if a.timed else None,
                 "max_response_seconds": round(a.seconds_max, 2) if a.timed else None}
                for name, a in self.ranked_agents()
            ],
            "categories": [
                {"category": k, "findings": v[0], "points": v[1]}
                for k, v in sorted(self.categories.items(), key=lambda kv: (-kv[1][1], -kv[1][0], kv[0]))
            ],
            "rules": [
                {"rule": k, "category": v[0], "severity": v[1], "findings": v[2], "points": v[3]}
                for k, v in sorted(self.rules.items(), key=lambda kv: (-kv[1][3], -kv[1][2], kv[0]))
            ],
            "severities": dict(sorted(self.severities.items())),
            "points_by_day": dict(sorted(self.days.items())),
            "worst_conversations": self.worst(),
            "skipped_examples": list(self.skips),
            **({} if self.review is None else {"review": {
                "flagged": self.review.offered, "shown": min(self.review.offered, self.review.size),
                "messages": self.review.to_list(self.show_matches)}}),
        }
