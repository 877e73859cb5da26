"""Charts for the situation picture and the briefing: matplotlib drawn to SVG strings.

Each function takes plain data (labels, numbers, colours, the words already in the
reader's language) and returns one ``<svg>`` element to place inside a page: text stays
``<text>`` (readable, searchable, selectable in a PDF), nothing refers outside the
element, its ids carry the chart's name (several charts on one page never share an id)
and the root carries ``role="img"`` and the summary sentence as ``aria-label``.
matplotlib is imported when the first chart is drawn, never by importing this module.

>>> svg = bar_panels("demo", ["SM", "OM"], [("Measures", [3, 1], str)], ["#0072b2", "#44aa99"],
...                  summary="SM has 3 measures, OM 1.")
>>> svg.startswith("<svg") and 'role="img"' in svg and ">SM<" in svg
True
>>> "<?xml" in svg or "http://" in svg.split(">", 1)[1]
False
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from html import escape
from io import StringIO
from typing import Any

__all__ = [
    "OVERDUE_COLOUR",
    "ON_TIME_COLOUR",
    "shorten",
    "wrap",
    "bar_panels",
    "coverage_chart",
    "timeline_chart",
    "trend_chart",
    "indicator_chart",
    "sparkline",
]

#: an overdue measure's bar: a red with 5.6:1 contrast on white
OVERDUE_COLOUR = "#c62828"
#: a measure on schedule (turva.visualize.style's ongoing measure)
ON_TIME_COLOUR = "#2e7d32"
#: the lines of the trends chart: Okabe and Ito, colour-blind safe
_SERIES_COLOURS = ("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00")
_TEXT = "#1a1a1a"
_GRID = "#d0d0d0"
_DRAWING = threading.Lock()
#: inches per bar row: a label of two lines of 8.5 pt and some air
_ROW = 0.36


def shorten(text: str, most: int = 42) -> str:
    """``text`` cut to ``most`` characters at a word, with an ellipsis.

    >>> shorten("Reducing and combating the breeding grounds of organised crime", 30)
    'Reducing and combating the…'
    >>> shorten("short")
    'short'
    """
    if len(text) <= most:
        return text
    cut = text[: most - 1].rsplit(" ", 1)[0].rstrip(" ,.;:-")
    return f"{cut}…"


def wrap(text: str, width: int = 30, lines: int = 2) -> str:
    """``text`` on at most ``lines`` lines of about ``width`` characters, the last one
    shortened (:func:`shorten`) when the text is longer.

    >>> wrap("opetus- ja kulttuuriministeriön hallinnonala", 24)
    'opetus- ja\\nkulttuuriministeriön…'
    """
    import textwrap

    parts = textwrap.wrap(text, width, break_long_words=False) or [""]
    if len(parts) > lines:
        parts = [*parts[: lines - 1], shorten(" ".join(parts[lines - 1 :]), width)]
    return "\n".join(parts)


@contextmanager
def _figure(name: str, width: float, height: float) -> Iterator[Any]:
    """A matplotlib figure (no pyplot: no global state, no GUI backend) whose SVG keeps
    text as text and names its clip paths after ``name``."""
    import matplotlib

    # matplotlib's settings are global and it is not thread-safe: the service renders
    # pages in a thread pool, so one chart is drawn at a time
    with (
        _DRAWING,
        matplotlib.rc_context(
            {
                "svg.fonttype": "none",
                "svg.hashsalt": name,
                "font.family": "DejaVu Sans",
                "font.size": 9,
                "text.color": _TEXT,
                "axes.labelcolor": _TEXT,
                "xtick.color": _TEXT,
                "ytick.color": _TEXT,
                "axes.edgecolor": "#8a8a8a",
            }
        ),
    ):
        from matplotlib.figure import Figure

        # fixed margins (:func:`_margins`): matplotlib's automatic layout costs more than
        # drawing the chart itself
        yield Figure(figsize=(width, height))


def _svg(figure: Any, name: str, summary: str) -> str:
    """The figure as one inline ``<svg>``: no XML prologue, metadata or global style, ids
    prefixed with ``name``, sized by its container, labelled for screen readers."""
    from matplotlib.backends.backend_svg import FigureCanvasSVG

    out = StringIO()
    FigureCanvasSVG(figure).print_svg(out, metadata={"Date": None, "Creator": None})
    text = out.getvalue()
    text = text[text.index("<svg") :]
    text = re.sub(r"<metadata>.*?</metadata>\s*", "", text, flags=re.S)
    # a <style> inside inline SVG would apply to the whole page
    text = re.sub(r"<defs>\s*<style[^>]*>.*?</style>\s*</defs>\s*", "", text, flags=re.S)
    text = re.sub(r'\bid="([^"]+)"', rf'id="{name}-\1"', text)
    text = text.replace("url(#", f"url(#{name}-").replace('href="#', f'href="#{name}-')
    root_end = text.index(">")
    root = re.sub(r'\s(width|height)="[^"]*"', "", text[:root_end])
    root += f' class="chart" role="img" aria-label="{escape(summary)}" focusable="false"'
    return root + text[root_end:]


def _label_inches(labels: Sequence[str], size: float = 8.5) -> float:
    """About how wide the widest line of ``labels`` is, in inches, at ``size`` points."""
    widest = max((len(line) for label in labels for line in label.split("\n")), default=0)
    return 0.15 + widest * size * 0.55 / 72


def _margins(
    fig: Any, *, left: float, top: float = 0.35, bottom: float = 0.2, right: float = 0.15
) -> None:
    """Margins in inches (the labels' room), as the fractions matplotlib wants."""
    width, height = fig.get_size_inches()
    fig.subplots_adjust(
        left=min(0.6, left / width),
        right=1 - right / width,
        top=1 - top / height,
        bottom=min(0.45, bottom / height),
        wspace=0.12,
    )


def _plain_axes(ax: Any) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(length=0)
    ax.grid(axis="x", color=_GRID, linewidth=0.6)
    ax.set_axisbelow(True)


def bar_panels(
    name: str,
    labels: Sequence[str],
    panels: Sequence[tuple[str, Sequence[float], Callable[[float], str]]],
    colours: Sequence[str],
    *,
    summary: str,
    width: float = 9.0,
) -> str:
    """Horizontal bars, one row per label, one panel per measure of it (e.g. measures,
    euros, person-years): ``panels`` holds (title, values, how a value is written)."""
    rows = max(1, len(labels))
    shown = [wrap(label) for label in labels]
    with _figure(name, width, 0.45 + _ROW * rows) as fig:
        axes = fig.subplots(1, len(panels), sharey=True, squeeze=False)[0]
        positions = list(range(len(labels)))
        for i, (ax, (title, values, written)) in enumerate(zip(axes, panels, strict=True)):
            ax.barh(positions, list(values), color=list(colours), height=0.7)
            ax.set_title(title, fontsize=9, fontweight="bold", loc="left")
            top = max([float(v) for v in values] or [0.0]) or 1.0
            ax.set_xlim(0, top * 1.35)
            ax.set_xticks([])
            for y, value in zip(positions, values, strict=True):
                ax.text(float(value) + top * 0.02, y, written(float(value)), va="center")
            _plain_axes(ax)
            ax.spines["bottom"].set_visible(False)
            if i == 0:
                ax.set_yticks(positions, shown, fontsize=8.5)
        axes[0].invert_yaxis()
        _margins(fig, left=_label_inches(shown), bottom=0.1)
        return _svg(fig, name, summary)


def coverage_chart(
    name: str,
    labels: Sequence[str],
    shares: Sequence[float],
    notes: Sequence[str],
    *,
    summary: str,
    axis_label: str,
    colour: str,
    width: float = 9.0,
) -> str:
    """The share (0-1) of each label's scope that is covered, with a note after each bar
    (e.g. "8/9 · 5 branches")."""
    rows = max(1, len(labels))
    shown = [wrap(label) for label in labels]
    with _figure(name, width, 0.85 + _ROW * rows) as fig:
        ax = fig.subplots()
        positions = list(range(len(labels)))
        ax.barh(positions, [1.0] * len(labels), color="#ececec", height=0.7)
        ax.barh(positions, list(shares), color=colour, height=0.7)
        for y, note in zip(positions, notes, strict=True):
            ax.text(1.02, y, note, va="center")
        ax.set_xlim(0, 1.45)
        ax.set_xticks([0, 0.25, 0.5, 0.75, 1.0], ["0 %", "25 %", "50 %", "75 %", "100 %"])
        ax.set_xlabel(axis_label, loc="left")
        ax.set_yticks(positions, shown, fontsize=8.5)
        ax.invert_yaxis()
        _plain_axes(ax)
        _margins(fig, left=_label_inches(shown), top=0.1, bottom=0.6)
        return _svg(fig, name, summary)


def timeline_chart(
    name: str,
    rows: Sequence[dict[str, Any]],
    today: dt.date,
    *,
    summary: str,
    today_label: str,
    width: float = 9.0,
) -> str:
    """One bar per measure from its ``start`` to its ``end`` (dates), labelled by
    ``label``, red when ``overdue``; a line at ``today``. Rows come in the order drawn."""
    import matplotlib.dates as mdates

    count = max(1, len(rows))
    labels = [shorten(str(r["label"]), 52) for r in rows]
    with _figure(name, width, 0.75 + 0.24 * count) as fig:
        ax = fig.subplots()
        for y, row in enumerate(rows):
            start, end = mdates.date2num(row["start"]), mdates.date2num(row["end"])
            colour = OVERDUE_COLOUR if row["overdue"] else ON_TIME_COLOUR
            ax.barh(y, max(end - start, 1.0), left=start, color=colour, height=0.6)
        ax.axvline(mdates.date2num(today), color=_TEXT, linewidth=1.2, linestyle="--")
        ax.text(
            mdates.date2num(today), -0.9, f" {today_label}", va="bottom", fontsize=8, clip_on=False
        )
        ax.set_yticks(range(len(rows)), labels, fontsize=8)
        ax.set_ylim(len(rows) - 0.5, -1.2)
        ax.xaxis.set_major_locator(mdates.YearLocator())
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
        _plain_axes(ax)
        _margins(fig, left=_label_inches(labels, 8), top=0.1, bottom=0.35)
        return _svg(fig, name, summary)


def trend_chart(
    name: str,
    periods: Sequence[int],
    series: Sequence[tuple[str, Sequence[int]]],
    *,
    summary: str,
    width: float = 9.0,
) -> str:
    """One line per series (label, a value per period), each point labelled with its
    value; a single period is drawn as points."""
    with _figure(name, width, 2.6) as fig:
        ax = fig.subplots()
        for (label, values), colour in zip(series, _SERIES_COLOURS, strict=False):
            ax.plot(list(periods), list(values), marker="o", color=colour, label=label)
            for x, y in zip(periods, values, strict=True):
                ax.annotate(str(y), (x, y), textcoords="offset points", xytext=(0, 5), ha="center")
        ax.set_xticks(list(periods), [str(p) for p in periods])
        if len(periods) == 1:
            ax.set_xlim(periods[0] - 1, periods[0] + 1)
        top = max((v for _, values in series for v in values), default=1) or 1
        ax.set_ylim(0, top * 1.2)
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
        _plain_axes(ax)
        ax.grid(axis="y", color=_GRID, linewidth=0.6)
        legend = _label_inches([label for label, _values in series], 9) + 0.4
        _margins(fig, left=0.45, top=0.15, bottom=0.35, right=legend)
        return _svg(fig, name, summary)


#: an indicator's line (Okabe and Ito blue) and its goal targets (vermilion, dashed)
_LINE_COLOUR = "#0072b2"
_TARGET_COLOUR = "#d55e00"


def indicator_chart(
    name: str,
    points: Sequence[tuple[int, float, bool]],
    *,
    summary: str,
    axis_label: str,
    series_label: str,
    illustrative_label: str,
    targets: Sequence[tuple[str, int, float, int, float]] = (),
    written: Callable[[float], str] = str,
    width: float = 6.4,
) -> str:
    """An indicator's values over the years: ``points`` are (year, value, illustrative),
    drawn as one line whose illustrative points are hollow (with their own legend entry);
    each of ``targets`` (label, baseline year, baseline, target year, target) is a dashed
    line from its baseline (a square) to its target (a diamond). ``axis_label`` names the
    unit; ``written`` writes a value as the reader does.

    >>> svg = indicator_chart("ind", [(2020, 10, False), (2021, 8, True)], summary="Fell.",
    ...                       axis_label="cases", series_label="Cases",
    ...                       illustrative_label="illustrative",
    ...                       targets=[("G1 target", 2020, 10, 2025, 5)])
    >>> 'aria-label="Fell."' in svg and ">2021<" in svg and "G1 target" in svg
    True
    """
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    years = [p[0] for p in points]
    values = [float(p[1]) for p in points]
    legend_lines = (1 if points else 0) + (1 if any(p[2] for p in points) else 0) + len(targets)
    with _figure(name, width, 2.5 + 0.2 * legend_lines) as fig:
        ax = fig.subplots()
        if points:
            ax.plot(years, values, color=_LINE_COLOUR, linewidth=1.8, zorder=2)
            sourced = [(y, v) for y, v, ill in points if not ill]
            hollow = [(y, v) for y, v, ill in points if ill]
            if sourced:
                ax.plot(
                    *zip(*sourced, strict=True),
                    "o",
                    color=_LINE_COLOUR,
                    markersize=5,
                    label=series_label,
                    zorder=3,
                )
            if hollow:
                ax.plot(
                    *zip(*hollow, strict=True),
                    "o",
                    markerfacecolor="white",
                    markeredgecolor=_LINE_COLOUR,
                    markeredgewidth=1.5,
                    markersize=6,
                    label=f"{series_label} ({illustrative_label})",
                    zorder=3,
                )
        all_years = list(years)
        all_values = list(values)
        for i, (label, base_year, base, year, value) in enumerate(targets):
            colour = _SERIES_COLOURS[(i + 1) % len(_SERIES_COLOURS)] if i else _TARGET_COLOUR
            ax.plot(
                [base_year, year],
                [float(base), float(value)],
                linestyle="--",
                color=colour,
                linewidth=1.2,
                label=label,
                zorder=1,
            )
            ax.plot([base_year], [float(base)], "s", color=colour, markersize=5, zorder=1)
            ax.plot([year], [float(value)], "D", color=colour, markersize=6, zorder=1)
            all_years += [base_year, year]
            all_values += [float(base), float(value)]
        low, high = min(all_values, default=0.0), max(all_values, default=1.0)
        # from zero when the values are all of one sign, so that a change is not magnified
        bottom = min(0.0, low * 1.1)
        top = max(high * 1.1, 0.0) or 1.0
        ax.set_ylim(bottom, top)
        if all_years:
            ax.set_xlim(min(all_years) - 0.5, max(all_years) + 0.5)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=8))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _pos: f"{int(x)}"))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda y, _pos: written(y)))
        ax.set_ylabel(axis_label)
        _plain_axes(ax)
        ax.grid(axis="x", visible=False)
        ax.grid(axis="y", color=_GRID, linewidth=0.6)
        # one entry a line: a goal's label is long and two columns would cut it on a phone
        ax.legend(loc="upper left", bbox_to_anchor=(0.0, -0.14), ncol=1, frameon=False, fontsize=8)
        ticks = [written(t) for t in ax.get_yticks()]
        _margins(
            fig, left=0.55 + _label_inches(ticks, 9), top=0.15, bottom=0.5 + 0.2 * legend_lines
        )
        return _svg(fig, name, summary)


def sparkline(
    values: Sequence[tuple[int, float, bool]], *, width: int = 96, height: int = 24
) -> str:
    """A tiny line of (year, value, illustrative) points, drawn without matplotlib (a page
    lists one per indicator): hidden from screen readers, whose words the page carries
    beside it; the last point is marked, an illustrative point is hollow.

    >>> svg = sparkline([(2019, 3, False), (2020, 5, False), (2021, 4, True)])
    >>> svg.startswith("<svg") and 'aria-hidden="true"' in svg and "<polyline" in svg
    True
    >>> sparkline([]).count("<circle")
    0
    """
    pad = 3.0
    head = (
        f'<svg class="sparkline" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" aria-hidden="true" focusable="false">'
    )
    if not values:
        return head + "</svg>"
    years = [v[0] for v in values]
    numbers = [float(v[1]) for v in values]
    first, last = min(years), max(years)
    low, high = min(numbers), max(numbers)

    def at(year: int, value: float) -> tuple[float, float]:
        x = pad + (width - 2 * pad) * ((year - first) / (last - first) if last > first else 0.5)
        y = (
            height
            - pad
            - (height - 2 * pad) * ((value - low) / (high - low) if high > low else 0.5)
        )
        return round(x, 1), round(y, 1)

    spots = [at(y, v) for y, v in zip(years, numbers, strict=True)]
    line = " ".join(f"{x},{y}" for x, y in spots)
    dots = "".join(
        f'<circle cx="{x}" cy="{y}" r="{2.2 if i == len(spots) - 1 else 1.4}" '
        f'fill="{"#ffffff" if ill else _LINE_COLOUR}" stroke="{_LINE_COLOUR}" stroke-width="1"/>'
        for i, ((x, y), (_year, _value, ill)) in enumerate(zip(spots, values, strict=True))
    )
    return (
        head
        + f'<polyline points="{line}" fill="none" stroke="{_LINE_COLOUR}" stroke-width="1.5"/>'
        + dots
        + "</svg>"
    )
