"""Rich text renderings for the CLI."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ...domain.protocol import Protocol, Range


def _range(r: Range, unit: str) -> str:
    if r.min == r.max:
        return f"{r.default:g} {unit}"
    return f"{r.min:g} to {r.max:g} {unit} (default {r.default:g})"


def _src(source: str, note: str | None) -> str:
    return escape(f"[{source}]" + (f" {note}" if note else ""))


def render_protocol(p: Protocol) -> None:
    c = Console()
    c.print(f"[bold]{p.title}[/bold]  {p.id} {p.version}  {p.content_hash}")
    c.print(f"Indication: {p.indication}")
    if p.summary:
        c.print(p.summary)
    ing = Table(
        "ingredient", "class", "amount", "diffusion", "allergens", "source", title="Ingredients"
    )
    for i in p.ingredients:
        ing.add_row(
            i.name,
            i.agent_class or "",
            i.amount or "",
            i.diffusion.value,
            ", ".join(i.allergens),
            _src(i.source, None),
        )
    c.print(ing)
    rules = Table(
        "groups",
        "route",
        "spacing",
        "depth",
        "dose / point",
        "budget / session",
        "point caps",
        title="Area rules",
    )
    for r in p.area_rules:
        caps = "; ".join(f"{c.max_points} ({c.group or 'rule'})" for c in r.point_caps)
        rules.add_row(
            ", ".join(r.groups),
            r.route.value,
            _range(r.spacing_cm, "cm"),
            _range(r.depth_mm, "mm"),
            "split evenly" if r.dose_per_point_ml is None else _range(r.dose_per_point_ml, "mL"),
            _range(r.budget, "mL"),
            caps or "none",
        )
    c.print(rules)
    phases = Table("phase", "length", "interval", "min days between", "source", title="Phases")
    for ph in p.phases:
        length = (
            f"{ph.sessions} sessions"
            if ph.sessions
            else f"{ph.duration_months} months"
            if ph.duration_months
            else f"{ph.duration_days} days"
        )
        interval = (
            f"{ph.interval_days} days"
            if ph.interval_days
            else f"{ph.interval_months} calendar month(s)"
        )
        phases.add_row(ph.name, length, interval, ph.min_interval_text(), _src(ph.source, ph.note))
    c.print(phases)
    reactions = Table(
        "reaction", "usual (min)", "max (min)", "condition", "source", title="Expected reactions"
    )
    for rx in p.expected_reactions:
        reactions.add_row(
            rx.kind,
            f"{rx.usual_duration_min:g}",
            f"{rx.max_duration_min:g}",
            rx.condition.describe() if rx.condition else "",
            _src(rx.source, rx.note),
        )
    c.print(reactions)
    for o in p.expected_outcomes:
        c.print(f"Expected outcome: {o.description} ({o.measure}, {o.direction})")
    info = p.patient_information
    c.print(f"For: {info.for_whom}")
    for limit in info.limits:
        c.print(f"Limit: {limit}")
    if info.maintenance:
        c.print(f"Maintenance: {info.maintenance}")
    if p.pretreatment:
        req = "required" if p.pretreatment.required else "optional"
        c.print(f"Pre-treatment: {p.pretreatment.topical_anaesthetic} ({req})")
    if p.combinable_with:
        c.print(f"May be combined with: {', '.join(p.combinable_with)}")
    c.print(f"Follow-up after the last session: {p.follow_up_days} days")
    c.print("Sources:")
    for s in p.sources:
        c.print(escape(f"  [{s.id}] {s.citation}"))
