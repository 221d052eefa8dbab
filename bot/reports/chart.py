"""A PNG chart of the indicators, each against its target.

matplotlib is imported inside :func:`render_chart` (with the Agg backend, no display), so the
bot starts fast and only the first chart pays for the import. The function is CPU-bound: call
it in a thread (``asyncio.to_thread``). Texts arrive translated: the chart knows no gettext.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class ChartBar:
    label: str  # the indicator's name, translated
    share: float | None  # 0..1; None when it cannot be computed (no denominator)
    target: float  # 0..1
    note: str  # the counts behind it, e.g. "42 / 60" or "no data"
    shown: str | None = None  # the share as the reader writes it ("66,7 %"); else "67%"


def render_chart(
    bars: Sequence[ChartBar],
    *,
    title: str,
    target_label: str,
    value_label: str,
    period: str | None = None,
) -> bytes:
    """A horizontal bar per indicator (its share, in percent) with the target as a mark;
    ``period`` (the report's period in the reader's words) is the title's second line, so a
    chart forwarded on its own still says what it is of."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    # A Figure without pyplot: no global state shared between threads.
    height = 1.4 + 0.75 * max(len(bars), 1)
    figure = Figure(figsize=(9.0, height), dpi=110)
    axes = figure.subplots()
    positions = list(range(len(bars)))[::-1]
    values = [100 * (bar.share or 0.0) for bar in bars]
    colors = [
        "#bbbbbb" if bar.share is None else ("#2e8b57" if bar.share >= bar.target else "#e0a030")
        for bar in bars
    ]
    axes.barh(positions, values, color=colors, height=0.6)
    for position, bar, value in zip(positions, bars, values, strict=True):
        axes.plot([100 * bar.target] * 2, [position - 0.38, position + 0.38], color="#c0392b",
                  linewidth=2.5)  # fmt: skip
        shown = "—" if bar.share is None else (bar.shown or f"{value:.0f}%")
        axes.text(min(value, 100) + 1.5, position, f"{shown}  ({bar.note})", va="center",
                  fontsize=9)  # fmt: skip
    axes.set_yticks(positions, [_wrap(bar.label) for bar in bars], fontsize=9)
    axes.set_xlim(0, 130)
    axes.set_xticks([0, 20, 40, 60, 80, 100])
    axes.set_xlabel(value_label)
    axes.set_title(title if period is None else f"{title}\n{period}", fontsize=11)
    axes.grid(axis="x", color="#eeeeee")
    axes.set_axisbelow(True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.legend(
        handles=[
            Patch(color="#2e8b57", label="≥ " + target_label),
            Patch(color="#e0a030", label="< " + target_label),
            Line2D([0], [0], color="#c0392b", linewidth=2.5, label=target_label),
        ],
        loc="lower right",
        fontsize=8,
        frameon=False,
    )
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def _wrap(text: str, width: int = 34) -> str:
    lines: list[str] = []
    line = ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return "\n".join(lines)
