"""A job stops when the Snakemake process that started it is gone.

Killing Snakemake itself (SIGKILL, a crash) leaves its running jobs behind: a training job would
go on for an hour on its own, and race the next run for the same files. The workflow names its
process in GENREPORT_WORKFLOW_PID; each entry point watches that process and, once it is gone,
sends itself SIGTERM, which training answers by saving its state for the next run to resume.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

WORKFLOW_PID = "GENREPORT_WORKFLOW_PID"


def process_exists(pid: int) -> bool:
    """Whether `pid` runs (a killed process not yet reaped by its parent, a zombie, does not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, owned by someone else
        return True
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except (OSError, IndexError):  # no /proc (macOS): os.kill's answer stands
        return True
    return state != "Z"


def stop_when_workflow_ends(interval_s: float = 1.0) -> threading.Thread | None:
    """Watch the workflow process named in the environment (nothing to watch when run by hand)."""
    value = os.environ.get(WORKFLOW_PID, "")
    if not value.isdigit() or int(value) == os.getpid():
        return None
    pid = int(value)
    if not process_exists(pid):  # a stale value inherited from elsewhere: nothing to watch
        return None

    def watch() -> None:
        while process_exists(pid):
            time.sleep(interval_s)
        print(f"the workflow process {pid} is gone: stopping this job", flush=True)
        os.kill(os.getpid(), signal.SIGTERM)

    thread = threading.Thread(target=watch, name="workflow-watchdog", daemon=True)
    thread.start()
    return thread
