"""Model verdicts as findings: rule ``model.<category>``, severity info, no points, the
probability attached, placed on the n-gram that weighed most. A category the rules already
found in the message is not repeated."""
from __future__ import annotations

from ..finding import Finding, Severity
from ..rules.categories import CATEGORIES
from ..text.normalize import Normalized
from .features import locate, model_text
from .weights import Model

PREFIX = "model."
SUGGESTION = "模型提示，请人工复核；若确属违规请修改 (a learned hint: review it by hand)"


def model_findings(model: Model, text: str, findings: tuple[Finding, ...] = ()) -> tuple[Finding, ...]:
    """The model's findings on ``text`` for the categories none of ``findings`` (the rules')
    has; () in the common case, at the cost of one normalization and one lookup pass."""
    norm = Normalized(text)
    mtext = model_text(norm.compact)
    mask = model.flagged(mtext)
    if mask and findings:
        mask &= ~model.mask_of({f.category for f in findings})
    if not mask:
        return ()
    out = []
    for v in model.weigh(mtext, mask, top=5):
        # shown on the heaviest n-gram of two characters or more (one character says little)
        gram = next((g for g, _ in v.grams if len(g) > 1), v.grams[0][0] if v.grams else "")
        span = locate(norm, gram) if gram else None
        start, end = span if span else (0, 0)
        line = text.count("\n", 0, start) + 1
        column = start - (text.rfind("\n", 0, start) + 1) + 1
        label = CATEGORIES.get(v.category, v.category)
        out.append(Finding(
            rule=PREFIX + v.category,
            category=v.category,
            severity=Severity.INFO,
            points=0,
            message=f"模型判断疑似{label}（概率 {v.probability:.2f}），规则未命中 "
                    f"(model: {v.category}, p={v.probability:.2f})",
            suggestion=SUGGESTION,
            start=start,
            end=end,
            line=line,
            column=column,
            match=text[start:end],
            sensitive=v.category.startswith("contact."),
            probability=round(v.probability, 4),
        ))
    return tuple(out)
