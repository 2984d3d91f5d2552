"""What every entry point shares: one-line errors and the settings a rule passes.

Kept free of the package's heavier modules: every rule that runs an entry point depends on this file.
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path

from ..errors import PipelineError
from ..pipeline.watchdog import stop_when_workflow_ends


def reports_errors(main: Callable[[list[str] | None], None]) -> Callable[[list[str] | None], None]:
    """An entry point's `main`, made to end a pipeline error in one line on stderr and exit status 2.
    Run by the workflow, the job stops once the workflow's process is gone."""

    @functools.wraps(main)
    def run(argv: list[str] | None = None) -> None:
        stop_when_workflow_ends()
        try:
            main(argv)
        except PipelineError as error:
            print(f"error: {error}", file=sys.stderr)
            sys.exit(2)

    return run


def json_object(text: str) -> dict:
    """An argparse type: a JSON object given on the command line."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        raise argparse.ArgumentTypeError(f"not valid JSON ({error.msg} at character {error.pos})") from None
    if not isinstance(value, dict):
        raise argparse.ArgumentTypeError("expected a JSON object of settings")
    return value


def add_settings_arguments(parser: argparse.ArgumentParser, required: bool = True) -> None:
    """--settings: the preset values this job uses, as the workflow's rule passes them (its params).
    --provenance: where to record what made the job's figures; the workflow names it after the rule
    (written by provenance.record_provenance)."""
    parser.add_argument(
        "--settings",
        type=json_object,
        required=required,
        default={},
        metavar="JSON",
        help="the preset values this job uses, as a JSON object (the rule's params)",
    )
    parser.add_argument(
        "--provenance", type=Path, default=None, help="JSON file recording what made the outputs, named <rule>.json"
    )


def named_path(text: str) -> tuple[str, Path]:
    """An argparse type: NAME=PATH."""
    name, separator, path = text.partition("=")
    if not separator or not name or not path:
        raise argparse.ArgumentTypeError(f"expected NAME=PATH, got {text!r}")
    return name, Path(path)
