"""Every random stream has a name: no literal seed offset in the code, no two streams on one offset unless listed."""

from __future__ import annotations

import re
from pathlib import Path

from genreport import seeds

LITERAL_OFFSET = re.compile(r"seed\s*\+\s*\d")


def offsets() -> dict[str, int]:
    return {name: value for name, value in vars(seeds).items() if name.isupper() and isinstance(value, int)}


def test_no_literal_seed_offset_is_left(project_root: Path):
    places = [
        *(project_root / "src").rglob("*.py"),
        *(project_root / "benchmarks").glob("*.py"),
        *(project_root / "notebooks").glob("*.ipynb"),
        *(project_root / "workflow").rglob("*.smk"),
    ]
    found = [
        f"{path.relative_to(project_root)}:{number}"
        for path in places
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if LITERAL_OFFSET.search(line)
    ]
    assert not found, found


def test_streams_share_an_offset_only_where_listed():
    by_offset: dict[int, set[str]] = {}
    # The offsets from the preset's seed; SECOND_SAMPLE_HALF and FIXED_NOISE count from other seeds.
    for name, value in offsets().items():
        if name not in {"SECOND_SAMPLE_HALF", "FIXED_NOISE"}:
            by_offset.setdefault(value, set()).add(name)
    shared = [names for names in by_offset.values() if len(names) > 1]
    assert sorted(map(sorted, shared)) == sorted(map(sorted, seeds.SHARED))


def test_a_stream_seed_is_the_seed_moved_by_its_offset():
    assert seeds.stream_seed(10, seeds.EVALUATION_SAMPLES) == 17
    assert seeds.stream_seed(0, seeds.FIXED_NOISE) == 1_000_003
