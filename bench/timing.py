"""What the benchmarks share: timing our code and its floor alternately, best of several runs."""

from __future__ import annotations

import time
from collections.abc import Callable


def best_alternating(floor: Callable[[], object], ours: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Time the floor and ours alternately (so load on the machine hits both alike); the best run of each, seconds."""
    floor(), ours()  # warm up
    best_floor = best_ours = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        floor()
        best_floor = min(best_floor, time.perf_counter() - start)
        start = time.perf_counter()
        ours()
        best_ours = min(best_ours, time.perf_counter() - start)
    return best_floor, best_ours
