"""Map every key of a TOML document to the line it is written on.

``tomllib`` reports positions only for syntax errors. Validation errors come back as a
path (``("area_rules", 0, "spacing_cm", "min")``); this scanner gives the line of each
path so that a message can say ``file:line``. It runs on text that ``tomllib`` already
accepted, so it can be lenient about syntax.
"""

from __future__ import annotations

from collections.abc import Sequence

Path = tuple[str | int, ...]


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.line = 1
        self.lines: dict[Path, int] = {}
        self.aot: dict[Path, int] = {}

    # -- low level -----------------------------------------------------------------
    def peek(self, n: int = 1) -> str:
        return self.text[self.pos : self.pos + n]

    def advance(self, n: int = 1) -> None:
        chunk = self.text[self.pos : self.pos + n]
        self.line += chunk.count("\n")
        self.pos += n

    def at_end(self) -> bool:
        return self.pos >= len(self.text)

    def skip_blank(self, newlines: bool) -> None:
        while not self.at_end():
            c = self.peek()
            if c in " \t\r" or (newlines and c == "\n"):
                self.advance()
            elif c == "#":
                while not self.at_end() and self.peek() != "\n":
                    self.advance()
            else:
                return

    def read_string(self) -> str:
        quote = self.peek()
        if self.peek(3) == quote * 3:
            self.advance(3)
            start = self.pos
            while not self.at_end() and self.peek(3) != quote * 3:
                self.advance(2 if quote == '"' and self.peek() == "\\" else 1)
            value = self.text[start : self.pos]
            self.advance(3)
            while self.peek() == quote:  # up to two quotes may close the string
                self.advance()
            return value
        self.advance()
        start = self.pos
        while not self.at_end() and self.peek() not in (quote, "\n"):
            self.advance(2 if quote == '"' and self.peek() == "\\" else 1)
        value = self.text[start : self.pos]
        self.advance()
        return value

    def read_key(self) -> list[str]:
        parts: list[str] = []
        while not self.at_end():
            self.skip_blank(newlines=False)
            c = self.peek()
            if c in "\"'":
                parts.append(self.read_string())
            else:
                start = self.pos
                while not self.at_end() and (self.peek().isalnum() or self.peek() in "_-"):
                    self.advance()
                parts.append(self.text[start : self.pos])
            self.skip_blank(newlines=False)
            if self.peek() == ".":
                self.advance()
                continue
            return parts
        return parts

    # -- structure -------------------------------------------------------------------
    def resolve(self, keys: Sequence[str]) -> Path:
        out: Path = ()
        for k in keys:
            out = (*out, k)
            if out in self.aot:
                out = (*out, self.aot[out])
        return out

    def document(self) -> None:
        current: Path = ()
        while True:
            self.skip_blank(newlines=True)
            if self.at_end():
                return
            line = self.line
            if self.peek(2) == "[[":
                self.advance(2)
                keys = self.read_key()
                self.advance(2)
                parent = self.resolve(keys[:-1])
                table = (*parent, keys[-1])
                self.aot[table] = self.aot.get(table, -1) + 1
                current = (*table, self.aot[table])
                self.lines.setdefault(table, line)
                self.lines[current] = line
            elif self.peek() == "[":
                self.advance()
                keys = self.read_key()
                self.advance()
                current = self.resolve(keys)
                self.lines[current] = line
            else:
                self.key_value(current)

    def key_value(self, table: Path) -> None:
        line = self.line
        keys = self.read_key()
        path: Path = (*table, *keys)
        self.lines.setdefault(path, line)
        for i in range(1, len(keys)):
            self.lines.setdefault((*table, *keys[:i]), line)
        self.skip_blank(newlines=False)
        if self.peek() == "=":
            self.advance()
        self.value(path)

    def value(self, path: Path) -> None:
        self.skip_blank(newlines=False)
        c = self.peek()
        if c in "\"'":
            self.read_string()
        elif c == "{":
            self.advance()
            while True:
                self.skip_blank(newlines=True)
                if self.at_end() or self.peek() == "}":
                    self.advance()
                    return
                if self.peek() == ",":
                    self.advance()
                    continue
                self.key_value(path)
        elif c == "[":
            self.advance()
            index = 0
            while True:
                self.skip_blank(newlines=True)
                if self.at_end() or self.peek() == "]":
                    self.advance()
                    return
                if self.peek() == ",":
                    self.advance()
                    continue
                self.lines.setdefault((*path, index), self.line)
                self.value((*path, index))
                index += 1
        else:
            while not self.at_end() and self.peek() not in ",]}\n#":
                self.advance()


def key_lines(text: str) -> dict[Path, int]:
    """Every table, key and array element of ``text`` mapped to its 1-based line."""
    scanner = _Scanner(text)
    scanner.document()
    return scanner.lines


def line_for(lines: dict[Path, int], path: Sequence[str | int]) -> int | None:
    """The line of ``path`` or, when it is absent (a missing field), of its nearest parent."""
    p = tuple(path)
    while p:
        if p in lines:
            return lines[p]
        p = p[:-1]
    return None
