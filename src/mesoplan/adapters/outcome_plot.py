"""A patient's outcome measurements over time, as an SVG plot (matplotlib).

One panel per measurement kind, one line per series (site, and height above the kneecap
for the thigh), photos as markers along the time axis. matplotlib is imported inside the
function, so importing this module costs nothing; the output is deterministic (fixed
hash salt, no date in the metadata) and keeps text as text.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..domain.outcomes import MEASUREMENT_KINDS, CourseReview, Measurement, sort_by_time

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

_RC: Any = {
    "svg.hashsalt": "mesoplan",
    "svg.fonttype": "none",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


def outcome_plot_svg(
    measurements: Iterable[Measurement],
    *,
    title: str = "Outcome measurements",
    review: CourseReview | None = None,
) -> str:
    """The SVG text of the outcome plot. With ``review``, each panel's title says
    whether the latest value moved as the protocol expects."""
    import matplotlib

    with matplotlib.rc_context(_RC):
        fig = _figure(sort_by_time(measurements), title, review)
        out = io.StringIO()
        fig.savefig(out, format="svg", metadata={"Date": None})
    return out.getvalue()


def _figure(ms: list[Measurement], title: str, review: CourseReview | None) -> Figure:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    values = [m for m in ms if m.value is not None]
    photos = [m for m in ms if m.photo is not None]
    present = {m.kind for m in values}
    kinds = [k for k in MEASUREMENT_KINDS if k in present]
    rows = max(1, len(kinds))
    fig = Figure(figsize=(7.0, 2.4 * rows + 0.6), layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(rows, 1, squeeze=False, sharex=True)[:, 0]
    fig.suptitle(title)
    if not kinds:
        ax = axes[0]
        ax.text(0.5, 0.5, _empty_text(photos), ha="center", va="center", transform=ax.transAxes)
        ax.set_yticks([])
        _photo_marks(ax, photos)
    for ax, kind in zip(axes, kinds, strict=False):
        _photo_marks(ax, photos)
        _panel(ax, kind, [m for m in values if m.kind == kind], review, bool(photos))
    _pad_time_axis(axes[0], ms)
    if ms:
        fig.autofmt_xdate()
    return fig


def _series_order(key: tuple[str | None, float | None]) -> tuple[str, float]:
    return (key[0] or "", key[1] or 0.0)


def _empty_text(photos: list[Measurement]) -> str:
    return f"{len(photos)} photo(s), no measured values" if photos else "no measurements yet"


def _panel(
    ax: Axes, kind: str, ms: list[Measurement], review: CourseReview | None, photos: bool
) -> None:
    k = MEASUREMENT_KINDS[kind]
    series: dict[tuple[str | None, float | None], list[Measurement]] = {}
    for m in ms:
        series.setdefault((m.site, m.height_above_kneecap_cm), []).append(m)
    for (site, height), points in sorted(series.items(), key=lambda kv: _series_order(kv[0])):
        label = _series_label(site, height)
        ax.plot(
            [_days(m.taken_at) for m in points],
            [float(m.value or 0.0) for m in points],
            marker="o",
            label=label,
        )
    if k.labels:
        ticks = sorted(k.labels)
        ax.set_yticks(ticks, [_tick(k.labels[t], t) for t in ticks])
        ax.set_ylim(min(ticks) - 0.3, max(ticks) + 0.3)
    ax.xaxis_date()
    ax.set_ylabel(k.unit)
    better = {"lower": "lower is better", "higher": "higher is better"}.get(k.better or "", "")
    ax.set_title(_panel_title(kind, better, review), loc="left")
    ax.grid(True, alpha=0.3)
    if photos or len(series) > 1 or any(key != (None, None) for key in series):
        ax.legend(loc="best", frameon=False)


def _series_label(site: str | None, height: float | None) -> str:
    parts = [site or "all"]
    if height is not None:
        parts.append(f"{height:g} cm above kneecap")
    return ", ".join(parts)


def _tick(label: str, value: int) -> str:
    """Roman numerals stay (Glogau I..IV); long verbal anchors become their number."""
    first = label.split(" ", 1)[0]
    return first if first in ("I", "II", "III", "IV") else str(value)


def _panel_title(kind: str, better: str, review: CourseReview | None) -> str:
    title = kind if not better else f"{kind} ({better})"
    if review is None:
        return title
    verdicts = [
        f"{o.site or 'all'}: {o.status.replace('_', ' ')}"
        for o in review.outcomes
        if o.measure == kind
    ]
    return f"{title}\n{'; '.join(verdicts)}" if verdicts else title


def _photo_marks(ax: Axes, photos: list[Measurement]) -> None:
    for i, m in enumerate(photos):
        label = "photo" if i == 0 else None
        ax.axvline(_days(m.taken_at), color="0.6", linestyle=":", linewidth=1, label=label)
    ax.xaxis_date()


def _days(when: datetime) -> float:
    """Matplotlib's date number (days since its epoch) for a date or time."""
    from matplotlib.dates import date2num

    return float(date2num(when))  # type: ignore[no-untyped-call]


def _pad_time_axis(ax: Axes, ms: list[Measurement]) -> None:
    """At least a week of time axis, so one date does not give a degenerate axis."""
    if not ms:
        return
    first, last = _days(ms[0].taken_at), _days(ms[-1].taken_at)
    if last - first < 7:
        middle = (first + last) / 2
        ax.set_xlim(middle - 3.5, middle + 3.5)
