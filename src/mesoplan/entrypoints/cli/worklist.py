"""``mesoplan worklist``: sessions due today and this week, overdue sessions, follow-ups."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from .records_common import (
    AsOpt,
    Format,
    FormatOpt,
    actor,
    emit,
    open_uow,
    parse_date,
    records_errors,
)

if TYPE_CHECKING:
    from ...services.worklists import WorkItem


def worklist(
    day: str | None = typer.Option(
        None, "--date", metavar="YYYY-MM-DD", help="The day (default: the clinic's today)."
    ),
    as_: AsOpt = None,
    fmt: FormatOpt = Format.text,
) -> None:
    """The clinic's worklist in its time zone: sessions due today and this week (the
    next six days), overdue sessions (window passed, nothing charted) and follow-up
    visits due, each with the patient's name."""
    from ...services import worklists

    on = parse_date(day, "--date") if day is not None else None
    with records_errors():
        view = worklists.worklist(open_uow(), actor(as_), on)
    lines = [f"worklist for {view.today} ({view.timezone})"]
    for title, items in (
        ("due today", view.due_today),
        ("due this week", view.due_this_week),
        ("overdue", view.overdue),
        ("follow-ups due", view.follow_ups),
    ):
        lines.append(f"{title}: {len(items)}")
        lines += [f"  {_line(i)}" for i in items]
    emit(view, fmt, lines)


def _line(i: WorkItem) -> str:
    what = f"session {i.number}" if i.number else (i.reason or i.kind)
    late = f", {i.days_overdue} day(s) past its window" if i.days_overdue else ""
    more = f" (+{i.later_overdue} later overdue)" if i.later_overdue else ""
    return f"{i.date} {i.patient}: course {i.course_id} {i.protocol} {what}{late}{more}"
