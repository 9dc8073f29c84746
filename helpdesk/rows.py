"""Rows as the CSV import reads them: both the connector and the webhook build a small CSV
file in the "attune" columns and hand it to `insights.interaction_import`, so the checks,
the upsert and the rejected-row report are the CSV import's own."""

import csv
import io

from insights.interaction_import import FIELDS


def rows_csv(rows: list[dict]) -> tuple[bytes, dict[int, int]]:
    """The CSV file for `rows` (dicts keyed by FIELDS; missing keys are empty cells) and,
    for each row, the file line it starts on -> its position in `rows`.

    Line breaks inside a cell are written as "\\n" so that counting them gives each row's
    first line exactly as the importer counts it."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(FIELDS)
    lines: dict[int, int] = {}
    line = 2
    for position, row in enumerate(rows):
        cells = [_cell(row.get(name)) for name in FIELDS]
        lines[line] = position
        line += 1 + sum(cell.count("\n") for cell in cells)
        writer.writerow(cells)
    return out.getvalue().encode(), lines


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value).replace("\r\n", "\n").replace("\r", "\n")


def report_rejected(report, lines: dict[int, int], key: str, keys: list) -> list[dict]:
    """The import's rejected rows, each named by `key` (the ticket id, the row's position)
    instead of a line of a file nobody saw."""
    return [
        {key: keys[lines[error.line]] if error.line in lines else None, "column": error.column,
         "reason": error.reason}
        for error in report.rejected
    ]  # fmt: skip
