"""What goes into and out of a CSV cell, the same way for every import and export."""

import re

# C0 controls but tab and line breaks (a quoted cell may span lines), and DEL: PostgreSQL
# refuses NUL in text, and none of them belongs in a name or an id.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def control_character_reason(value: str) -> str | None:
    """Why `value` cannot be stored as text, or None when it can."""
    found = _CONTROL.search(value)
    if found is None:
        return None
    return f"contains a control character (U+{ord(found.group()):04X}); remove it and try again"


def csv_error_reason(error: Exception) -> str:
    """A csv.Error in words a person who saved the file from a spreadsheet understands."""
    if "unexpected end of data" in str(error):
        return 'a quoted cell starting on this line is never closed (a missing “"”)'
    return f"the file is not valid CSV: {error}"


# A spreadsheet runs a cell starting with one of these as a formula (CWE-1236).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """`value` ready for a CSV cell a spreadsheet will open: text that would start a
    formula gets a leading apostrophe, as OWASP advises; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value
