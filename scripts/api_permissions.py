"""Write the permission tables of docs/api.md from the API's own routes, and the page
table of docs/web.md from the pages' routes (the same permissions).

Run ``make docs`` after adding a route or a page or changing a permission; a test fails
when the tables and the code disagree.
"""

from __future__ import annotations

from pathlib import Path

from mesoplan.config import Settings
from mesoplan.entrypoints.api import create_app
from mesoplan.entrypoints.api.permissions import permission_table
from mesoplan.entrypoints.web.app import page_table

DOC = Path(__file__).resolve().parents[1] / "docs" / "api.md"
WEB_DOC = DOC.with_name("web.md")
START, END = "<!-- permissions:start -->", "<!-- permissions:end -->"
PAGES_START, PAGES_END = "<!-- pages:start -->", "<!-- pages:end -->"


def _between(text: str, start: str, end: str, table: str) -> str:
    head, _, rest = text.partition(start)
    _, _, tail = rest.partition(end)
    return f"{head}{start}\n{table}{end}{tail}"


def updated(text: str) -> str:
    """docs/api.md's ``text`` with the current permission tables."""
    app = create_app(Settings(database_url="sqlite://"))
    return _between(text, START, END, permission_table(app))


def updated_pages(text: str) -> str:
    """docs/web.md's ``text`` with the current page table."""
    app = create_app(Settings(database_url="sqlite://"))
    return _between(text, PAGES_START, PAGES_END, page_table(app))


def main() -> None:
    for doc, update in ((DOC, updated), (WEB_DOC, updated_pages)):
        doc.write_text(update(doc.read_text(encoding="utf-8")), encoding="utf-8")
        print(f"wrote {doc}")


if __name__ == "__main__":
    main()
