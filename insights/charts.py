"""Server-rendered SVG charts for the insights page: no JavaScript, no third-party package.

Every function is pure and returns SVG markup (a SafeString: every label is escaped first).
Each chart has `role="img"` and `aria-labelledby` pointing at its `<title>` and a `<desc>`
that says what the data shows in words; `data_table` gives the same numbers as a table.
Charts scale with their container (a viewBox and width 100%).

Missing values (None) are skipped. When nothing is left to draw, a chart is a small SVG
that says "No data yet" (still titled and described), so a page never shows an empty box.

`chart_id` (default: from the title) prefixes the ids of `<title>` and `<desc>`; charts on
one page need distinct titles or ids.
"""

import textwrap
from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify

INK = "#1d2b28"
MUTED = "#5c6b68"
LINE = "#d5dedb"
TRACK = "#eef3f1"
# Colour and dash pattern both differ, so series stay apart without colour vision.
SERIES_STYLES = [("#2e7d6e", ""), ("#9a3412", "6 4"), ("#1d4ed8", "2 3"), ("#6b21a8", "8 3 2 3")]
NO_DATA = "No data yet"
TEXT_EM = 7.6  # the width of an average character at font-size 14, for fitting text


def format_number(value) -> str:
    """A number as people read it: thousands separated, three significant digits."""
    if value is None:
        return "no data"
    if isinstance(value, bool):
        return "yes" if value else "no"
    value = float(value)
    if value.is_integer():
        return f"{int(value):,}"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.3g}"


def _attrs(attrs: dict) -> str:
    return "".join(
        f' {name.rstrip("_").replace("_", "-")}="{escape(value)}"'
        for name, value in attrs.items()
        if value not in (None, "")
    )


def _tag(name: str, content: str | None = None, **attrs) -> str:
    """One element; `content` is text (escaped here). Underscores in names become dashes."""
    if content is None:
        return f"<{name}{_attrs(attrs)}/>"
    return f"<{name}{_attrs(attrs)}>{escape(content)}</{name}>"


def _n(value: float) -> str:
    """A coordinate, short."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _svg(title: str, desc: str, width: int, height: float, body: list[str], chart_id) -> str:
    chart_id = chart_id or f"chart-{slugify(title) or 'untitled'}"
    ids = f"{chart_id}-title {chart_id}-desc"
    return mark_safe(  # safe: the title, desc and every label went through escape()
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {_n(height)}" '
        f'width="100%" role="img" aria-labelledby="{escape(ids)}" '
        f'font-family="system-ui, sans-serif" font-size="14" fill="{INK}">'
        + _tag("title", title, id=f"{chart_id}-title")
        + _tag("desc", desc, id=f"{chart_id}-desc")
        + "".join(body)
        + "</svg>"
    )


def no_data(title: str, *, chart_id: str | None = None, width: int = 400) -> SafeString:
    """A small SVG saying there is nothing to show yet."""
    body = [_tag("text", NO_DATA, x=_n(width / 2), y="24", text_anchor="middle", fill=MUTED)]
    return _svg(title, f"{NO_DATA}.", width, 36, body, chart_id)


# --- Horizontal bars -----------------------------------------------------------------------

BAR_WIDTH = 400
BAR_AREA = 330  # the rest of the width keeps room for the value after the longest bar
BAR_LINE = 17  # one line of a label
BAR_LABEL_CHARS = 46  # a longer label wraps onto further lines, whole words kept together


def bar_chart(
    title: str,
    items: Sequence[tuple[str, float | None]],
    *,
    unit: str = "",
    notes: Sequence[str] | None = None,
    chart_id: str | None = None,
) -> SafeString:
    """One horizontal bar per (label, value), the label above its bar (wrapped onto as many
    lines as it needs, never cut), lengths proportional to the values (the largest fills
    BAR_AREA). Negative values draw as empty bars. `notes` (one per item, e.g. "67% of
    enrolled") follow each value after the bar."""
    notes = list(notes) if notes is not None else [""] * len(items)
    present = [
        (label, value, note)
        for (label, value), note in zip(items, notes, strict=True)
        if value is not None
    ]
    if not present:
        return no_data(title, chart_id=chart_id, width=BAR_WIDTH)
    top = max(value for _, value, _ in present) or 1
    body, y = [], 4.0
    for label, value, note in present:
        lines = wrap_label(label, BAR_LABEL_CHARS)
        body.append(_lines(lines, x=0, y=y + 13, line_height=BAR_LINE))
        bar_y = y + 5 + BAR_LINE * len(lines)
        length = BAR_AREA * max(value, 0) / top
        shown = f"{format_number(value)}{unit}" + (f" ({note})" if note else "")
        body += [
            _tag("rect", x="0", y=_n(bar_y), width=_n(BAR_AREA), height="14", fill=TRACK),
            _tag(
                "rect",
                x="0",
                y=_n(bar_y),
                width=_n(length),
                height="14",
                fill=SERIES_STYLES[0][0],
                class_="bar",
            ),
            _bar_value(shown, length, bar_y),
        ]
        y = bar_y + 22
    desc = "; ".join(
        f"{label}: {format_number(value)}{unit if value is not None else ''}"
        + (f" ({note})" if note and value is not None else "")
        for (label, value), note in zip(items, notes, strict=True)
    )
    return _svg(title, f"{desc}.", BAR_WIDTH, y + 4, body, chart_id)


def _bar_value(text: str, length: float, bar_y: float) -> str:
    """The value after its bar, or inside the bar's end (white on the bar's colour) when it
    would not fit after it."""
    if length + 6 + TEXT_EM * len(text) <= BAR_WIDTH:
        return _tag("text", text, x=_n(length + 6), y=_n(bar_y + 12), class_="value")
    return _tag(
        "text",
        text,
        x=_n(length - 6),
        y=_n(bar_y + 12),
        text_anchor="end",
        fill="#ffffff",
        class_="value",
    )


def wrap_label(label: str, width: int) -> list[str]:
    """`label` on lines of at most `width` characters, broken between words (a word longer
    than a line is broken inside)."""
    return textwrap.wrap(label, width, break_on_hyphens=False) or [""]


def _lines(lines: list[str], *, x: float, y: float, line_height: float) -> str:
    """A `<text>` of one `<tspan>` per line, each starting at `x`, the first at `y`."""
    spans = "".join(
        _tag("tspan", line, x=_n(x), dy=None if index == 0 else _n(line_height))
        for index, line in enumerate(lines)
    )
    return f'<text x="{_n(x)}" y="{_n(y)}">{spans}</text>'


# --- Lines over time -----------------------------------------------------------------------

LINE_WIDTH, LINE_HEIGHT = 400, 200
PLOT_LEFT, PLOT_RIGHT, PLOT_TOP, PLOT_BOTTOM = 52, 388, 14, 170


def _scale(value: float, low: float, high: float, start: float, end: float) -> float:
    return start + (value - low) / (high - low) * (end - start)


def _y_range(values: list[float], floor: float, ceiling: float | None) -> tuple[float, float]:
    """The axis from the scale's bottom (`floor`) to its top (`ceiling`, or the highest
    value when the scale has no top), so a swing looks as big as it is. A value outside the
    scale widens the axis rather than falling off it."""
    low = min([floor, *values])
    high = max([ceiling if ceiling is not None else low, *values])
    return (low, high) if high > low else (low, low + 1)


def line_chart(
    title: str,
    points: Sequence[tuple[str, float | None]],
    *,
    unit: str = "",
    floor: float = 0,
    ceiling: float | None = None,
    chart_id: str | None = None,
) -> SafeString:
    """Values over evenly spaced labels (weeks). The line breaks where a value is None; each
    value also has a dot, so a lone value shows. The y axis starts at the bottom of the
    figure's scale (`floor`: 0 for counts and percentages, 1 for a 1-5 answer) and ends at
    its top (`ceiling`) or at the highest value, never zoomed in on the values' own range;
    the middle of the axis has a grid line too."""
    present = [(i, label, value) for i, (label, value) in enumerate(points) if value is not None]
    if not present:
        return no_data(title, chart_id=chart_id, width=LINE_WIDTH)
    low, high = _y_range([value for _, _, value in present], floor, ceiling)
    last = max(len(points) - 1, 1)

    def x(i):
        return _scale(i, 0, last, PLOT_LEFT, PLOT_RIGHT) if len(points) > 1 else PLOT_LEFT

    def y(value):
        return _scale(value, low, high, PLOT_BOTTOM, PLOT_TOP)

    middle = (low + high) / 2
    body = _y_axis([(low, y(low)), (middle, y(middle)), (high, y(high))], unit)
    path, previous = [], None
    for i, _, value in present:
        path.append(f"{'L' if previous == i - 1 else 'M'}{_n(x(i))} {_n(y(value))}")
        previous = i
    body.append(
        _tag("path", d=" ".join(path), fill="none", stroke=SERIES_STYLES[0][0], stroke_width="2")
    )
    body += [
        _tag("circle", cx=_n(x(i)), cy=_n(y(v)), r="3", fill=SERIES_STYLES[0][0])
        for i, _, v in present
    ]
    body.append(_tag("text", points[0][0], x=_n(PLOT_LEFT), y="190", fill=MUTED))
    if len(points) > 1:
        body.append(
            _tag("text", points[-1][0], x=_n(PLOT_RIGHT), y="190", text_anchor="end", fill=MUTED)
        )
    desc = (
        f"{_line_desc(points, present, unit)} The axis runs from {format_number(low)}{unit} "
        f"to {format_number(high)}{unit}."
    )
    return _svg(title, desc, LINE_WIDTH, LINE_HEIGHT, body, chart_id)


def _y_axis(ticks: list[tuple[float, float]], unit: str) -> list[str]:
    """Grid lines with their values at the left."""
    body = []
    for value, y in ticks:
        body += [
            _tag("line", x1=_n(PLOT_LEFT), x2=_n(PLOT_RIGHT), y1=_n(y), y2=_n(y), stroke=LINE),
            _tag(
                "text",
                f"{format_number(value)}{unit}",
                x=_n(PLOT_LEFT - 6),
                y=_n(y + 4),
                text_anchor="end",
                fill=MUTED,
            ),
        ]
    return body


def _line_desc(points, present, unit: str) -> str:
    def at(entry):
        return f"{format_number(entry[2])}{unit} ({entry[1]})"

    lowest = min(present, key=lambda entry: entry[2])
    highest = max(present, key=lambda entry: entry[2])
    return (
        f"{len(present)} of {len(points)} points have data, from {points[0][0]} to "
        f"{points[-1][0]}. Lowest {at(lowest)}, highest {at(highest)}, "
        f"latest {at(present[-1])}."
    )


# --- Survival steps ------------------------------------------------------------------------

STEP_WIDTH, STEP_HEIGHT = 400, 230
STEP_TOP, STEP_BOTTOM = 40, 196


def step_chart(
    title: str,
    series: dict[str, tuple[Sequence[float], Sequence[float | None]] | None],
    *,
    x_max: float | None = None,
    x_unit: str = "day",
    chart_id: str | None = None,
) -> SafeString:
    """Step curves of proportions (Kaplan-Meier survival), one per series, with a legend.

    `series` maps a name to (times, values): each curve starts at 100% at time 0, steps
    down to each value at its time and runs flat to `x_max` (default: the last time).
    A series that is None is left out, and so is a point whose value is None.
    """
    curves = {
        name: [(t, v) for t, v in zip(*pair, strict=True) if v is not None]
        for name, pair in series.items()
        if pair is not None
    }
    if not curves:
        return no_data(title, chart_id=chart_id, width=STEP_WIDTH)
    right = max([x_max or 0, *(t for points in curves.values() for t, _ in points)]) or 1

    def x(t):
        return _scale(t, 0, right, PLOT_LEFT, PLOT_RIGHT)

    def y(v):
        return _scale(v, 0, 1, STEP_BOTTOM, STEP_TOP)

    body = _y_axis([(0, y(0)), (50, y(0.5)), (100, y(1))], "%")
    for index, (name, points) in enumerate(curves.items()):
        colour, dashes = SERIES_STYLES[index % len(SERIES_STYLES)]
        d = [f"M{_n(x(0))} {_n(y(1))}"]
        d += [f"H{_n(x(t))} V{_n(y(v))}" for t, v in points]
        d.append(f"H{_n(x(right))}")
        body.append(
            _tag(
                "path",
                d=" ".join(d),
                fill="none",
                stroke=colour,
                stroke_width="2.5",
                stroke_dasharray=dashes,
            )
        )
        legend_x = PLOT_LEFT + index * 150
        body += [
            _tag(
                "line",
                x1=_n(legend_x),
                x2=_n(legend_x + 28),
                y1="14",
                y2="14",
                stroke=colour,
                stroke_width="2.5",
                stroke_dasharray=dashes,
            ),
            _tag("text", name, x=_n(legend_x + 34), y="18"),
        ]
    body += [
        _tag("text", f"{x_unit} 0", x=_n(PLOT_LEFT), y="216", fill=MUTED),
        _tag(
            "text",
            f"{x_unit} {format_number(right)}",
            x=_n(PLOT_RIGHT),
            y="216",
            text_anchor="end",
            fill=MUTED,
        ),
    ]
    desc = " ".join(_step_desc(name, points, x_unit) for name, points in curves.items())
    return _svg(title, desc, STEP_WIDTH, STEP_HEIGHT, body, chart_id)


def _step_desc(name: str, points, x_unit: str) -> str:
    if not points:
        return f"{name}: 100% throughout."
    time, value = points[-1]
    return (
        f"{name}: from 100% at {x_unit} 0 down to {format_number(value * 100)}% at "
        f"{x_unit} {format_number(time)}, in {len(points)} steps."
    )


# --- Confidence interval -------------------------------------------------------------------

INTERVAL_WIDTH, INTERVAL_HEIGHT = 240, 48
INTERVAL_CENTRE, INTERVAL_HALF = 120, 70


def interval_plot(
    title: str,
    estimate: float | None,
    low: float | None,
    high: float | None,
    *,
    unit: str = "",
    chart_id: str | None = None,
) -> SafeString:
    """A point with its interval as a whisker, around a dashed zero line, so whether the
    interval crosses zero is seen at a glance. Without bounds, the point alone."""
    if estimate is None:
        return no_data(title, chart_id=chart_id, width=INTERVAL_WIDTH)
    bounds = [v for v in (low, high) if v is not None]
    extent = max(abs(v) for v in [estimate, *bounds]) * 1.1 or 1

    def x(v):
        return _scale(
            v, -extent, extent, INTERVAL_CENTRE - INTERVAL_HALF, INTERVAL_CENTRE + INTERVAL_HALF
        )

    body = [
        _tag(
            "line", x1=_n(x(0)), x2=_n(x(0)), y1="4", y2="44", stroke=MUTED, stroke_dasharray="3 3"
        ),
        _tag("text", "0", x=_n(x(0) + 3), y="44", font_size="10", fill=MUTED),
    ]
    if low is not None and high is not None:
        body += [
            _tag(
                "line",
                x1=_n(x(low)),
                x2=_n(x(high)),
                y1="24",
                y2="24",
                stroke=INK,
                stroke_width="2",
                class_="whisker",
            ),
            _tag("line", x1=_n(x(low)), x2=_n(x(low)), y1="17", y2="31", stroke=INK),
            _tag("line", x1=_n(x(high)), x2=_n(x(high)), y1="17", y2="31", stroke=INK),
            _tag(
                "text",
                format_number(low),
                x=_n(x(low) - 4),
                y="28",
                font_size="11",
                text_anchor="end",
            ),
            _tag("text", format_number(high), x=_n(x(high) + 4), y="28", font_size="11"),
        ]
    body.append(
        _tag(
            "circle",
            cx=_n(x(estimate)),
            cy="24",
            r="5",
            fill=SERIES_STYLES[0][0],
            class_="estimate",
        )
    )
    return _svg(
        title,
        _interval_desc(estimate, low, high, unit),
        INTERVAL_WIDTH,
        INTERVAL_HEIGHT,
        body,
        chart_id,
    )


def _interval_desc(estimate: float, low, high, unit: str) -> str:
    text = f"Estimate {format_number(estimate)}{unit}"
    if low is None or high is None:
        return f"{text}; no interval."
    if low > 0:
        side = "lies entirely above zero"
    elif high < 0:
        side = "lies entirely below zero"
    else:
        side = "includes zero"
    return (
        f"{text}, interval from {format_number(low)}{unit} to {format_number(high)}{unit}; "
        f"the interval {side}."
    )


# --- The numbers as a table ----------------------------------------------------------------


def data_table(
    headers: Sequence[str], rows: Sequence[Sequence], *, label: str | None = None
) -> SafeString:
    """The numbers behind a chart in a collapsed `<details>` table (numbers formatted with
    format_number, None as "no data"); an empty string when there are no rows. The table
    scrolls inside a focusable region named `label` (default: the headers), so a keyboard
    can scroll it at phone width."""
    if not rows:
        return mark_safe("")
    label = label or f"Data: {', '.join(str(h) for h in headers)}"
    head = "".join(_tag("th", str(h), scope="col") for h in headers)
    body = "".join(
        "<tr>"
        + "".join(
            _tag("th" if i == 0 else "td", _cell(value), scope="row" if i == 0 else None)
            for i, value in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    region = _attrs({"class": "table-wrap", "tabindex": "0", "role": "region", "aria_label": label})
    return mark_safe(  # safe: every cell and the label went through escape()
        f"<details><summary>Data</summary><div{region}><table>"
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div></details>"
    )


def _cell(value) -> str:
    if value is None or isinstance(value, int | float):
        return format_number(value)
    return str(value)
