"""Template files (快捷短语, 自动回复, AI-agent answers) read into replies with their places in
the original file. One reader per format; :func:`read_source` picks it by file suffix."""
from __future__ import annotations

from pathlib import Path

from ..config import SUPPORTED_SUFFIXES, LintOptions
from .source import Directive, ReadError, Reply, SourceFile, decode

__all__ = ["SUPPORTED_SUFFIXES", "Directive", "ReadError", "Reply", "SourceFile", "parse_source", "read_source"]


def parse_source(display: str, suffix: str, data: bytes, options: LintOptions) -> SourceFile:
    """Read ``data`` (the bytes of a file named ``display``) as the format its suffix says.
    Raises :class:`ReadError` with the reason (and line, where there is one)."""
    from . import structured, table, text

    suffix = suffix.lower()
    if suffix == ".xlsx":
        source = SourceFile(display, encoding="xlsx")
        table.read_xlsx(source, data, options.columns, options.suppress_column)
        return source
    decoded, encoding = decode(data)
    source = SourceFile(display, decoded, encoding)
    if suffix == ".txt":
        text.read_txt(source, options.txt_mode)
    elif suffix == ".md":
        text.read_md(source)
    elif suffix in (".csv", ".tsv"):
        table.read_csv(source, "\t" if suffix == ".tsv" else _sniff(decoded), options.columns, options.suppress_column)
    elif suffix == ".json":
        structured.read_json(source, options.keys)
    elif suffix in (".yaml", ".yml"):
        structured.read_yaml(source, options.keys)
    else:
        raise ReadError(f"unsupported file type '{suffix}' (supported: {', '.join(SUPPORTED_SUFFIXES)})")
    return source


def _sniff(text: str) -> str:
    """A .csv from Excel in some locales is separated by ';' or tabs: take what the header uses."""
    header = text.split("\n", 1)[0]
    counts = {d: header.count(d) for d in (",", "\t", ";")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_source(path: str | Path, options: LintOptions | None = None, display: str | None = None) -> SourceFile:
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise ReadError(f"cannot read: {exc.strerror or exc}") from None
    return parse_source(display or str(path), p.suffix, data, options or LintOptions())
