"""What every entry point does on error: one line on stderr, exit status 2."""

from __future__ import annotations

import sys
from collections.abc import Callable

from ..errors import PipelineError


def run_reporting_errors(main: Callable[[], None]) -> None:
    try:
        main()
    except PipelineError as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(2)
