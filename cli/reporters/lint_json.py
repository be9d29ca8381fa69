"""``lint --format json``: one document, schema ``kefulint.lint/1`` (see docs/lint.md)."""
from __future__ import annotations

import json
from typing import TextIO

LINT_SCHEMA = "kefulint.lint/1"  # bump when a field changes meaning or goes away


def document(run, show_matches: bool) -> dict:
    return {
        "schema": LINT_SCHEMA,
        "summary": {
            "files": run.read,
            "skipped": len(run.skipped),
            "unreadable": run.unreadable,
            "replies": run.replies,
            "findings": len(run.findings),
            "suppressed": sum(r.suppressed for r in run.files),
            "baselined": sum(r.baselined for r in run.files),
        },
        "files": [
            {"path": r.path, "replies": r.replies, "points": r.points, "error": r.error} for r in run.files
        ],
        "skipped": [{"path": p, "reason": why} for p, why in run.skipped],
        "findings": [f.to_dict(show_matches) for f in run.findings],
    }


def _c_encoder():
    """json's own C encoder, built once: ``json.dumps`` builds one per call, which is most of
    the time of printing 20,000 small objects."""
    import json.encoder

    # CPython's C accelerator: absent on other interpreters, and not declared in typeshed
    c_make_encoder = getattr(json.encoder, "c_make_encoder", None)
    encode_basestring = json.encoder.encode_basestring
    if c_make_encoder is None:
        return lambda obj: json.dumps(obj, ensure_ascii=False)
    encoder = c_make_encoder(None, None, encode_basestring, None, ": ", ", ", False, False, True)
    return lambda obj: "".join(encoder(obj, 0))


compact = _c_encoder()  # one JSON object on one line, like json.dumps(obj, ensure_ascii=False)


def render(run, show_matches: bool, out: TextIO) -> None:
    """Indented at the top, one compact object per line in the lists: readable, and written by
    json's C encoder (an indented dump of 20,000 findings takes seconds)."""
    doc = document(run, show_matches)
    parts = []
    for key, value in doc.items():
        if isinstance(value, list):
            items = ",\n".join("    " + compact(v) for v in value)
            body = f"[\n{items}\n  ]" if value else "[]"
        else:
            body = json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n  ")
        parts.append(f"  {json.dumps(key)}: {body}")
    out.write("{\n" + ",\n".join(parts) + "\n}\n")
