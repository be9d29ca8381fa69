"""``lint --format sarif``: SARIF 2.1.0 for code scanning (GitHub uploads it with
github/codeql-action/upload-sarif). Validated against the OASIS schema in the tests."""
from __future__ import annotations

import json
from pathlib import Path
from typing import TextIO
from urllib.parse import quote

from kefulint import __version__

_LEVEL = {"error": "error", "warning": "warning", "info": "note"}

# reports about the lint run itself, which have no ruleset entry
TOOL_RULES = {
    "kefulint.unused-suppression": ("warning", "抑制注释没有抑制任何问题 (unused suppression comment)",
                                    "删除这条 kefulint 注释，或改成实际需要抑制的规则。"),
    "kefulint.max-points": ("error", "文件扣分合计超过 max-points (file exceeds max-points)",
                            "先修正扣分最高的问题，或调整 [lint] max-points。"),
    "kefulint.read-error": ("error", "文件无法读取 (file could not be read)",
                            "检查文件格式与编码（UTF-8 或 GBK）。"),
}


def _descriptor(rule) -> dict:
    help_text = f"{rule.message}\n建议：{rule.suggestion}" + (f"\n依据：{rule.reference}" if rule.reference else "")
    return {
        "id": rule.id,
        "name": rule.id.replace(".", "/"),
        "shortDescription": {"text": rule.message},
        "fullDescription": {"text": help_text},
        "help": {"text": help_text, "markdown": f"**{rule.message}**\n\n建议：{rule.suggestion}"
                 + (f"\n\n依据：{rule.reference}" if rule.reference else "")},
        "defaultConfiguration": {"level": _LEVEL[rule.severity.value]},
        "properties": {"category": rule.category, "points": rule.points, "fatal": rule.fatal,
                       "tags": [rule.category, rule.ruleset]},
    }


def _tool_descriptor(rule_id: str) -> dict:
    level, text, help_text = TOOL_RULES[rule_id]
    return {
        "id": rule_id,
        "name": rule_id.replace(".", "/"),
        "shortDescription": {"text": text},
        "help": {"text": help_text},
        "defaultConfiguration": {"level": _LEVEL[level]},
        "properties": {"category": "kefulint", "points": 0},
    }


def _artifact(path: str) -> dict:
    if Path(path).is_absolute():
        return {"uri": Path(path).as_uri()}
    return {"uri": quote(path, safe="/"), "uriBaseId": "%SRCROOT%"}


def document(run, show_matches: bool) -> dict:
    findings = run.findings
    used = sorted({f.rule for f in findings})
    descriptors = []
    index: dict[str, int] = {}
    for rule_id in sorted(set(run.rules) | set(used)):
        if rule_id in run.rules:
            descriptors.append(_descriptor(run.rules[rule_id]))
        elif rule_id in TOOL_RULES:
            descriptors.append(_tool_descriptor(rule_id))
        else:
            continue
        index[rule_id] = len(descriptors) - 1
    results = []
    for f in findings:
        match = f.shown_match(show_matches)
        text = f"{f.message}" + (f"「{match}」" if match else "") + (f" 建议：{f.suggestion}" if f.suggestion else "")
        region = {"startLine": f.line, "startColumn": f.column, "endLine": f.end_line, "endColumn": f.end_column}
        if match:
            region["snippet"] = {"text": match}
        result = {
            "ruleId": f.rule,
            "level": _LEVEL[f.severity.value],
            "message": {"text": text},
            "locations": [{"physicalLocation": {
                "artifactLocation": _artifact(f.path),
                "region": region,
            }}],
            "properties": {"category": f.category, "points": f.points},
        }
        if f.rule in index:
            result["ruleIndex"] = index[f.rule]
        if f.fingerprint:
            result["partialFingerprints"] = {"kefulintReplyHash/v1": f"{f.rule}:{f.fingerprint}"}
        results.append(result)
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "kefulint", "version": __version__, "semanticVersion": __version__,
                                "rules": descriptors}},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    }


def render(run, show_matches: bool, out: TextIO) -> None:
    out.write(json.dumps(document(run, show_matches), ensure_ascii=False, indent=2) + "\n")
