"""The body of ``kefulint check``, without click at load: a plain ``kefulint check TEXT...`` runs it
straight from main.py, ``commands/check.py`` with the options click parsed. click is imported
only to print an error, JSON or an explanation (what a plain check of clean replies never does)."""
from __future__ import annotations

import json
import re
import sys
from typing import Any

from .common import ExitCode, build_linter, fail, fail_on_rank
from .inputs import path_problem, read_messages

CHECK_SCHEMA = "kefulint.check/1"  # bump when a field changes meaning or goes away


def run_check(inputs: tuple[str, ...], texts: tuple[str, ...] = (), fmt: str = "text", context: tuple[str, ...] = (),
              show_matches: bool = False, fail_on: str = "error", explain: bool = False, model: bool | None = None,
              config_path: str | None = None, rulesets: tuple[str, ...] = (), disable: tuple[str, ...] = (),
              platform: str | None = None) -> None:
    """Checks the replies and exits (0 clean, 1 findings at or above ``fail_on``, 2 usage); the
    defaults are the options' defaults."""
    if not inputs and not texts:
        import click

        raise click.UsageError("give a reply, a file (.txt, .jsonl) or - (stdin), or --text TEXT")
    bad = [f"{arg}: {why}" for arg in inputs if (why := path_problem(arg))]
    if bad:
        fail("\n  ".join(["cannot check:"] + bad) if len(bad) > 1 else bad[0])
    linter = build_linter(config_path, rulesets, disable, platform, **({"model": True} if model else {}))
    problems: list = []
    threshold = fail_on_rank(fail_on)
    failed = False
    results: list[tuple[Any, Any]] = []  # (message, Result)
    explained: dict[int, dict] = {}  # message index -> its explanation, for the JSON formats
    for msg in read_messages(inputs, problems, texts):
        ctx = list(msg.context) + list(context)
        res = linter.check(msg.text, ctx)
        if explain:
            info = _explanation(linter.explain(msg.text, ctx), show_matches)
            if fmt == "text":
                _print_explain(info, res)
            else:
                explained[len(results)] = info
        failed = failed or any(f.severity.rank >= threshold for f in res.findings)
        for err in res.errors:
            _echo(f"kefulint: {msg.id}: {err}", err=True)
        if fmt == "jsonl":
            _echo(json.dumps(_record(msg, res, show_matches, explained.get(len(results))), ensure_ascii=False))
        results.append((msg, res))
    if fmt == "json":
        records = [_record(m, r, show_matches, explained.get(i)) for i, (m, r) in enumerate(results)]
        _echo(json.dumps(records, ensure_ascii=False, indent=2))
    elif fmt == "text" and not explain:
        from .reporters.check_text import render

        render(results, show_matches)
    for p in problems:
        _echo(f"kefulint: {p.where}: {p.what}", err=True)
    if not results and not problems:
        _echo(f"kefulint: nothing to check: no reply in {', '.join(inputs)} (读取不到任何回复)", err=True)
    if not results or any(p.unread for p in problems):  # nothing unread passes as clean
        sys.exit(ExitCode.USAGE)
    sys.exit(ExitCode.FINDINGS if failed else ExitCode.CLEAN)


def _echo(message: str, err: bool = False) -> None:
    import click  # loaded once something is printed this way (a plain check prints through the reporter)

    click.echo(message, err=err)


def _record(msg, res, show_matches: bool, explanation: dict | None = None) -> dict:
    record = {
        "schema": CHECK_SCHEMA,
        "id": msg.id,
        "points": res.points,
        "blocked": res.blocked,
        "fatal": res.fatal,
        "findings": res.finding_dicts(show_matches),
        "suggested_text": res.shown_suggested_text(show_matches),
        "needs_rewrite": res.needs_rewrite,
    }
    if explanation is not None:
        record["explain"] = explanation
    return record


_QUOTED = re.compile(r"「[^」]*」")  # what a reason quotes from the reply (masked); the rest is the engine's words


def _explanation(info: dict, show_matches: bool) -> dict:
    """What ``--explain`` shows, as data: search forms, tokens and every candidate with its fate,
    personal data masked unless ``show_matches``: the spans of sensitive findings and candidates,
    and the same text wherever else it stands (a name said twice), each masked as the finding is."""
    from kefulint.text.mask import mask_text, spans_in_forms
    from kefulint.text.normalize import Normalized

    text = info["text"]
    spans: list[tuple[int, int]] = []
    if not show_matches:
        caught = {(f.start, f.end) for f in info["result"].findings if f.sensitive}
        caught.update((c["start"], c["end"]) for c in info["candidates"] if c.get("sensitive"))
        for piece in {text[start:end] for start, end in caught if end > start}:
            spans.extend((m.start(), m.start() + len(piece)) for m in re.finditer(re.escape(piece), text))
    norm = Normalized(text)
    forms = (norm.original, norm.folded, norm.compact)
    in_forms = spans_in_forms(norm, spans)
    original, folded, compact = (mask_text(form, form_spans) for form, form_spans in zip(forms, in_forms, strict=True))
    tokens, at = [], 0
    for token in info["tokens"]:  # jieba's tokens are the compact form cut in pieces
        tokens.append(compact[at : at + len(token)])
        at += len(token)
    # a reason quotes pieces of the forms: each masked as its form is
    pieces = sorted({(form[s:e], shown[s:e]) for form, shown, form_spans in
                     zip(forms, (original, folded, compact), in_forms, strict=True) for s, e in form_spans},
                    key=lambda pair: -len(pair[0]))

    def quoted(m: re.Match) -> str:
        q = m.group()[1:-1]
        for raw, shown in pieces:
            at = raw.find(q)
            if at >= 0:  # a part of a masked piece: the same part of it masked
                return f"「{shown[at : at + len(q)]}」"
            q = q.replace(raw, shown)
        return f"「{q}」"

    return {
        "text": original,
        "folded": folded,
        "compact": compact,
        "tokens": tokens,
        "platform": info["platform"],
        "configured_platform": info["configured_platform"],
        "model": info.get("model"),
        "skipped": info["skipped"],
        "candidates": [{"rule": c["rule"], "start": c["start"], "end": c["end"], "text": original[c["start"] : c["end"]],
                        "status": c["status"], "reason": _QUOTED.sub(quoted, c["reason"]) if pieces else c["reason"]}
                       for c in info["candidates"]],
    }


def _print_explain(info: dict, res) -> None:
    import click

    click.echo(f"原文 text:      {info['text']}")
    click.echo(f"归一 folded:    {info['folded']}")
    click.echo(f"紧凑 compact:   {info['compact']}")
    click.echo(f"分词 tokens:    {' / '.join(info['tokens'])}")
    configured = "" if info["platform"] == info["configured_platform"] else f" (configured {info['configured_platform']})"
    click.echo(f"平台 platform:  {info['platform']}{configured}")
    for skipped in info["skipped"]:
        click.echo(f"  – {skipped['rule']:<34} skipped: {skipped['reason']}")
    if not info["candidates"]:
        click.echo("候选 candidates: (none)")
    for c in info["candidates"]:
        mark = "✔" if c["status"] == "confirmed" else "✘"
        click.echo(f"  {mark} {c['rule']:<34} 「{c['text']}」 {c['status']}: {c['reason']}")
    click.echo(f"结果 result:    {len(res.findings)} findings, {res.points} points")
    if info.get("model") is not None:
        from kefulint.model.weights import THRESHOLD

        click.echo(f"模型 model:     the 3 most probable categories (flagged at p >= {THRESHOLD})")
        for v in info["model"]:
            mark = "✔" if v["probability"] >= THRESHOLD else "·"
            grams = "  ".join(f"{g} {w:+.2f}" for g, w in v["grams"]) or "(no n-gram for it)"
            click.echo(f"  {mark} {v['category']:<26} p={v['probability']:.3f}  {grams}")
