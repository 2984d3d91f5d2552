"""Run a notebook with papermill: `genreport-notebook IN OUT --settings JSON -p name value ...`.

Each key of --settings (the preset values the rule tracks) and each -p pair (a path, passed as
a string) becomes a papermill parameter.

On failure it prints one line naming the failing cell and the error, and removes the
partly executed copy so nothing incomplete looks finished.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..pipeline.watchdog import stop_when_workflow_ends
from ..store.provenance import record_provenance
from .common import add_settings_arguments


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("input", type=Path)
    parser.add_argument("output", type=Path)
    parser.add_argument("-p", "--parameter", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"))
    add_settings_arguments(parser, required=False)
    args = parser.parse_args(argv)
    stop_when_workflow_ends()
    import papermill
    from papermill.exceptions import PapermillExecutionError

    parameters = {**args.settings, **dict(args.parameter)}
    args.output.parent.mkdir(parents=True, exist_ok=True)
    try:
        papermill.execute_notebook(
            str(args.input),
            str(args.output),
            parameters=parameters,
            cwd=str(args.input.parent),
            progress_bar=False,
            kernel_name="python3",
        )
    except PapermillExecutionError as error:
        args.output.unlink(missing_ok=True)
        message = str(error.evalue).strip().splitlines()[0] if str(error.evalue).strip() else ""
        print(f"error: {args.input.name} failed in cell {error.exec_count} ({error.ename}: {message})", file=sys.stderr)
        sys.exit(2)
    record_provenance(args.provenance, notebook_name(args.input), args.settings)


def notebook_name(path: Path) -> str:
    """The notebook as a reader of the report finds it: relative to the project root where possible."""
    from ..config import project_root

    try:
        return str(path.resolve().relative_to(project_root()))
    except ValueError:
        return str(path)


if __name__ == "__main__":
    main()
