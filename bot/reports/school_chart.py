"""A PNG chart of the per-school table: a horizontal bar per school of the share of children
aged 10–19 who entered as mentees, with its target (a red mark) and what is needed by the
report's day (a dark dashed mark); worst first, from the top.

Like :mod:`bot.reports.chart`: matplotlib is imported on the first call (Agg backend, no
pyplot), the function is CPU-bound (call it in a thread) and every text arrives translated.
A region has hundreds of schools; the caller passes the worst :data:`CHART_LIMIT` and says so.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from bot.reports.schools import SchoolMark

# More bars than this do not read on a phone's screen.
CHART_LIMIT = 30

COLORS = {
    SchoolMark.NOT_STARTED: "#9e9e9e",
    SchoolMark.BEHIND: "#e0a030",
    SchoolMark.ON_TRACK: "#2e8b57",
}


@dataclass(frozen=True)
class SchoolBar:
    label: str  # the school's name
    mark: SchoolMark
    share: float | None  # 0..1; None without the number of pupils
    target: float  # 0..1
    needed: float  # 0..1, the target pro rata
    note: str  # the share as the reader writes it and the mark, e.g. "12,5 % · отстаёт"


@dataclass(frozen=True)
class SchoolChartTexts:
    title: str
    value_label: str  # the axis: "share, %"
    target: str
    needed: str
    marks: dict[SchoolMark, str]  # the legend


def render_school_chart(bars: Sequence[SchoolBar], texts: SchoolChartTexts) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    height = 1.6 + 0.42 * max(len(bars), 1)
    figure = Figure(figsize=(9.0, height), dpi=110)
    axes = figure.subplots()
    positions = list(range(len(bars)))[::-1]
    values = [100 * (bar.share or 0.0) for bar in bars]
    axes.barh(positions, values, color=[COLORS[bar.mark] for bar in bars], height=0.6)
    top = max([100.0, *(100 * bar.target for bar in bars), *values])
    for position, bar, value in zip(positions, bars, values, strict=True):
        axes.plot([100 * bar.target] * 2, [position - 0.36, position + 0.36], color="#c0392b",
                  linewidth=2.2)  # fmt: skip
        if 0 < bar.needed < bar.target:
            axes.plot([100 * bar.needed] * 2, [position - 0.36, position + 0.36],
                      color="#333333", linewidth=1.4, linestyle="--")  # fmt: skip
        axes.text(max(value, 100 * bar.target) + 1.5, position, bar.note, va="center",
                  fontsize=8)  # fmt: skip
    axes.set_yticks(positions, [_short(bar.label) for bar in bars], fontsize=8)
    axes.set_xlim(0, top * 1.45)
    axes.set_xticks([tick for tick in (0, 20, 40, 60, 80, 100) if tick <= top])
    axes.set_xlabel(texts.value_label)
    axes.set_title(texts.title, fontsize=10)
    axes.grid(axis="x", color="#eeeeee")
    axes.set_axisbelow(True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.legend(
        handles=[
            *(Patch(color=COLORS[mark], label=label) for mark, label in texts.marks.items()),
            Line2D([0], [0], color="#c0392b", linewidth=2.2, label=texts.target),
            Line2D([0], [0], color="#333333", linewidth=1.4, linestyle="--", label=texts.needed),
        ],
        loc="lower right",
        fontsize=7,
        frameon=True,
        framealpha=0.9,
    )
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def _short(name: str, width: int = 40) -> str:
    """A long name cut in the middle: schools' names differ at the end («… школа № 12»)."""
    if len(name) <= width:
        return name
    tail = width // 2
    return name[: width - tail - 1].rstrip() + "…" + name[-tail:].lstrip()
