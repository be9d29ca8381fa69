"""What every CSV report writes into a cell. The reports carry text that buyers and agents typed
(a message, a name, a conversation id), and they open in Excel (UTF-8 with BOM for that): a cell
that starts like a formula would run as one. Such a cell gets a leading ', OWASP's advice against
CSV injection: the cell is read as text."""
from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> object:
    """``value`` as a cell a spreadsheet shows as text: a string that starts with = + - @, a tab
    or a carriage return is prefixed with '; numbers and every other value unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
