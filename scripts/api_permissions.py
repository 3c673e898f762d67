"""Write the permission tables of docs/api.md from the API's own routes.

Run ``make docs`` after adding a route or changing a permission; a test fails when the
tables and the code disagree.
"""

from __future__ import annotations

from pathlib import Path

from mesoplan.config import Settings
from mesoplan.entrypoints.api import create_app
from mesoplan.entrypoints.api.permissions import permission_table

DOC = Path(__file__).resolve().parents[1] / "docs" / "api.md"
START, END = "<!-- permissions:start -->", "<!-- permissions:end -->"


def generated() -> str:
    app = create_app(Settings(database_url="sqlite://"))
    return f"{START}\n{permission_table(app)}{END}"


def updated(text: str) -> str:
    head, _, rest = text.partition(START)
    _, _, tail = rest.partition(END)
    return head + generated() + tail


def main() -> None:
    DOC.write_text(updated(DOC.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"wrote {DOC}")


if __name__ == "__main__":
    main()
