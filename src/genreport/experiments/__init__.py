"""The experiments behind the report's answers, one module each: `run(settings, inputs) -> record`.

`settings` are the experiment's own preset values (declared in `pipeline/experiments.py`, checked
by its entry point), `inputs` the files it reads; the record is what `experiments/<name>.json`
holds. An experiment with a figure draws it at `inputs.figure`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Inputs:
    data_dir: Path
    checkpoints: dict[str, Path] = field(default_factory=dict)  # trained models by name
    evaluator: Path | None = None
    evaluators: dict[str, Path] = field(default_factory=dict)  # every evaluator by name (the seed experiment)
    samples: dict[str, Path] = field(default_factory=dict)  # evaluation samples (.npz) by model
    figure: Path | None = None
