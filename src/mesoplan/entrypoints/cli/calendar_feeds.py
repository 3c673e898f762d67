"""``mesoplan calendar add|list|revoke|show``: the clinic's calendar feeds."""

from __future__ import annotations

import typer

from .records_common import AsOpt, Format, FormatOpt, actor, emit, open_uow, records_errors

calendar_app = typer.Typer(
    help="Calendar feeds: a secret iCalendar URL of the clinic's appointments.",
    no_args_is_help=True,
)


@calendar_app.command("add")
def add(
    practitioner: str | None = typer.Option(
        None, "--practitioner", metavar="HANDLE", help="Only this practitioner's courses."
    ),
    detail: str = typer.Option(
        "none", "--detail", help="none (only 'appointment'), initials or protocol."
    ),
    as_: AsOpt = None,
    fmt: FormatOpt = Format.text,
) -> None:
    """A new feed: its secret URL path is printed once (append it to the server's URL)."""
    from ...services import calendar_feeds

    with records_errors():
        made = calendar_feeds.create_feed(open_uow(), actor(as_), practitioner, detail)
    whose = made.feed.practitioner or "the whole clinic"
    emit(made, fmt, [f"feed {made.feed.id} ({whose}, detail {made.feed.detail}): {made.path}"])


@calendar_app.command("list")
def list_feeds(as_: AsOpt = None, fmt: FormatOpt = Format.text) -> None:
    """The clinic's feeds (their secrets are not kept, so not shown)."""
    from ...services import calendar_feeds

    with records_errors():
        feeds = calendar_feeds.list_feeds(open_uow(), actor(as_))
    lines = [
        f"feed {f.id}: {f.practitioner or 'the whole clinic'}, detail {f.detail}, made by "
        f"{f.created_by}" + (f", revoked {f.revoked_at:%Y-%m-%d}" if f.revoked_at else "")
        for f in feeds
    ]
    emit(feeds, fmt, lines or ["no calendar feed"])


@calendar_app.command("revoke")
def revoke(
    feed_id: int = typer.Argument(..., metavar="FEED"),
    as_: AsOpt = None,
    fmt: FormatOpt = Format.text,
) -> None:
    """Revoke a feed: its URL answers "not found" from now on."""
    from ...services import calendar_feeds

    with records_errors():
        view = calendar_feeds.revoke_feed(open_uow(), actor(as_), feed_id)
    emit(view, fmt, [f"feed {view.id} revoked"])


@calendar_app.command("show")
def show(token: str = typer.Argument(..., metavar="TOKEN")) -> None:
    """Print the iCalendar text a feed serves."""
    from ...services import calendar_feeds

    with records_errors():
        text = calendar_feeds.feed_calendar(open_uow(), token)
    typer.echo(text, nl=False)
