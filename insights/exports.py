"""The insights reports as CSV files: `?export=figures` and `?export=rows`.

A report's figures are nested (a funnel's modules, a week's KPIs, a retention group's
curve); the figures CSV has one line per figure, named in words a spreadsheet reader
understands ("Module 1, phase", "Week 3, CSAT mean (1 to 5)"), never a program's path
(`modules[0].phase`). The rows CSV keeps the rows' own keys as its header: a manager's
export recomputes to the same figures through them (see insights.reports).
"""

import csv
import io

from config.csv_cells import spreadsheet_safe
from insights import reports

FIGURES_HEADER = ["Figure", "Value"]

# Keys whose words are not the key's own: the metrics' labels, and statistics' names.
LABELS = {
    **{metric.key: metric.label for metric in reports.INTERACTION_METRICS},
    "rubric_of_5": "Rubric average (of 5)",
    "rubric_percent": "Rubric average (%)",
    "r": "Pearson r",
    "best_r": "best Pearson r",
    "p_value": "p-value",
    "n": "pairs of weeks",
    "ci_low": "confidence interval, low",
    "ci_high": "confidence interval, high",
    "cohens_d": "Cohen's d",
    "module": "module id",
}
# A list's items are numbered from 1 under the singular of the list's name.
SINGULAR = {
    "modules": "module",
    "weeks": "week",
    "lags": "lag",
    "criteria": "criterion",
    "times": "time",
    "survival": "survival",
    "at_risk": "at risk",
}
# Items named by a value of their own rather than by their place: lags count from 0, weeks
# read better as their dates.
IDENTITY = {"weeks": "week", "lags": "lag", "criteria": "key"}


def _words(key: str) -> str:
    if key.isdigit():  # retention's counts and survival at each day
        return f"day {key}"
    return LABELS.get(key) or key.replace("_", " ")


def figure_lines(figures: dict) -> list[tuple[str, object]]:
    """(readable name, value) for every figure, nested ones included, in report order."""
    return [(_name(parts), value) for parts, value in _leaves(figures, [])]


def _leaves(value, parts: list[str]):
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, [*parts, _words(str(key))])
    elif isinstance(value, list):
        key = (parts[-1] if parts else "item").replace(" ", "_")
        singular = SINGULAR.get(key, key.replace("_", " "))
        identity = IDENTITY.get(key)
        for index, item in enumerate(value, start=1):
            if isinstance(item, dict) and identity in item:
                label = f"{singular} {item[identity]}"
                item = {k: v for k, v in item.items() if k != identity}
            else:
                label = f"{singular} {index}"
            yield from _leaves(item, [*parts[:-1], label])
    else:
        yield parts, value


def _name(parts: list[str]) -> str:
    text = ", ".join(parts) or "value"
    return text[0].upper() + text[1:]


def figures_csv(report: dict) -> str:
    """The figures as (Figure, Value) lines with a header row, then one line per note."""
    return _text(figure_rows(report))


def figure_rows(report: dict):
    """figures_csv's lines, one at a time (a streamed response writes them as they come)."""
    yield FIGURES_HEADER
    for name, value in figure_lines(report["figures"]):
        yield [spreadsheet_safe(name), spreadsheet_safe(value)]
    for note in report["notes"]:
        yield ["Note", spreadsheet_safe(note)]


def rows_csv(report: dict) -> str:
    """The rows behind the figures, under their own keys."""
    return _text(row_rows(report))


def row_rows(report: dict):
    """rows_csv's lines, one at a time."""
    columns = list(report["rows"][0]) if report["rows"] else ["no rows"]
    yield columns
    for row in report["rows"]:
        yield [spreadsheet_safe(row.get(key, "")) for key in columns]


def _text(lines) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(lines)
    return buffer.getvalue()
