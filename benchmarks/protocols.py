"""Protocol loading speed: parse + validate + hash the three built-ins.

Baseline measured in the same run: ``tomllib.loads`` of the same texts (syntax only).
Prints figures and the ratio; asserts nothing.
"""

from __future__ import annotations

import statistics
import time
import tomllib
from collections.abc import Callable

from mesoplan.domain.protocol_text import parse_protocol_text
from mesoplan.protocols.library import BUILTIN_IDS, export_builtin_text


def best_of(func: Callable[[], None], repeat: int = 7, number: int = 50) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            func()
        times.append((time.perf_counter() - start) / number)
    return min(times), statistics.median(times)


def main() -> None:
    texts = [export_builtin_text(pid) for pid in BUILTIN_IDS]

    def baseline() -> None:
        for t in texts:
            tomllib.loads(t)

    def full() -> None:
        for t in texts:
            _ = parse_protocol_text(t).content_hash

    base_best, base_med = best_of(baseline)
    full_best, full_med = best_of(full)
    print(
        f"tomllib.loads, 3 built-ins (baseline): {base_best * 1e3:.3f} ms "
        f"(median {base_med * 1e3:.3f})"
    )
    print(
        f"parse + validate + hash, 3 built-ins:  {full_best * 1e3:.3f} ms "
        f"(median {full_med * 1e3:.3f})"
    )
    print(f"ratio to baseline: {full_best / base_best:.2f}x")


if __name__ == "__main__":
    main()
