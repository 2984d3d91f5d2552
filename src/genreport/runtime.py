"""The one place that chooses the device, the thread count and the seeds."""

from __future__ import annotations

import fcntl
import functools
import json
import os
import platform
import random
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import torch

from .errors import ConfigError, OutputWriteError
from .store.files import write_json


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def configure_threads(threads: int) -> int:
    """Use the cores Snakemake gave the job, but never more threads than the machine has cores."""
    count = max(1, min(int(threads), available_cores()))
    torch.set_num_threads(count)
    return count


def select_device(requested: str) -> torch.device:
    if requested == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if requested.startswith("cuda") and not torch.cuda.is_available():
        raise ConfigError(f"device '{requested}' asked for but CUDA is not available: use --config preset=cpu")
    if requested not in ("cpu",) and not requested.startswith("cuda"):
        raise ConfigError(f"unknown device '{requested}': use cpu, cuda or auto")
    return torch.device(requested)


PRECISIONS = ("fp32", "bf16", "auto")
# bf16 must beat fp32 by this factor on the probe before `auto` picks it: a margin that keeps the
# choice the same from one rule to the next on one machine.
BF16_REQUIRED_SPEEDUP = 1.25


def native_bf16(device: torch.device) -> bool:
    """Whether the device has bf16 arithmetic in hardware; elsewhere bf16 is emulated and slower than fp32."""
    if device.type == "cuda":
        return torch.cuda.is_bf16_supported(including_emulation=False)
    capabilities = torch.cpu.get_capabilities()
    return bool(capabilities.get("avx512_bf16") or capabilities.get("amx_bf16"))


def _seconds_per_pass(conv: torch.nn.Module, x: torch.Tensor, bf16: bool, repeats: int) -> float:
    def one_pass():
        with torch.autocast(x.device.type, dtype=torch.bfloat16, enabled=bf16):
            out = conv(x)
        out.float().sum().backward()

    for _ in range(2):
        one_pass()
    timings = []
    for _ in range(repeats):
        start = time.perf_counter()
        one_pass()
        timings.append(time.perf_counter() - start)
    return sorted(timings)[len(timings) // 2]


@functools.cache
def bf16_speedup(device_type: str, repeats: int = 7) -> float:
    """fp32 time over bf16 time for one 3x3 convolution's forward and backward pass, the bulk of every
    model's step. CPUs with the same flags differ: AVX-512 BF16 without AMX can be slower than fp32."""
    generator = torch.Generator().manual_seed(0)
    conv = torch.nn.Conv2d(64, 64, 3, padding=1)
    x = torch.randn(64, 64, 14, 14, generator=generator).requires_grad_()
    fp32, bf16 = (_seconds_per_pass(conv, x, flag, repeats) for flag in (False, True))
    return fp32 / bf16


CACHE_DIR_VARIABLE = "GENREPORT_CACHE_DIR"


def cache_dir() -> Path:
    """Where measurements about this machine are kept: $GENREPORT_CACHE_DIR, else ~/.cache/genreport."""
    configured = os.environ.get(CACHE_DIR_VARIABLE)
    if configured:
        return Path(configured)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "genreport"


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine_key() -> str:
    """What the bf16 probe's answer depends on: the CPU, torch's kernels and the threads they use."""
    return f"{cpu_model()}; torch {torch.__version__}; {torch.get_num_threads()} threads"


def measured_bf16_speedup() -> float | None:
    """The CPU probe's ratio, measured once per machine (`machine_key`) and kept in cache_dir()/precision.json,
    so every job and every later run on this machine makes the same choice: a probe repeated under another
    job's load could choose differently, and bf16 and fp32 runs give different weights. None where the
    cache cannot be kept (the caller then stays in fp32, whatever the load)."""
    path = cache_dir() / "precision.json"
    key = machine_key()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path.with_name("precision.lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # jobs starting together probe once, not each under the others' load
            try:
                known = json.loads(path.read_text())
            except (OSError, ValueError):
                known = {}
            known = known if isinstance(known, dict) else {}
            try:
                return float(known[key]["bf16_speedup"])
            except (KeyError, TypeError, ValueError):  # not measured here yet, or an entry of the wrong types
                speedup = bf16_speedup("cpu")
            known[key] = {"bf16_speedup": speedup, "measured": datetime.now(UTC).isoformat(timespec="seconds")}
            write_json(path, known)
            return speedup
    except (OSError, OutputWriteError):
        print(
            f"[precision] cannot keep the bf16 probe in {path}, so `auto` stays in fp32 (a probe in every job would "
            f"choose by the machine's load); set {CACHE_DIR_VARIABLE} to a writable folder to measure once",
            flush=True,
        )
        return None


def bf16_pays_off(device: torch.device) -> bool:
    """bf16 on a GPU that has it in hardware; on a CPU only where the probe measures it clearly faster."""
    if not native_bf16(device):
        return False
    if device.type == "cuda":
        return True
    speedup = measured_bf16_speedup()
    return speedup is not None and speedup >= BF16_REQUIRED_SPEEDUP


def resolve_precision(device: torch.device, requested: str) -> str:
    """`auto` becomes bf16 where it runs faster than fp32 on this device (`bf16_pays_off`), fp32 elsewhere."""
    if requested not in PRECISIONS:
        raise ConfigError(f"precision is {requested!r}: choose one of {', '.join(PRECISIONS)}")
    if requested == "auto":
        return "bf16" if bf16_pays_off(device) else "fp32"
    return requested


def auto_precision_probe(device: torch.device, requested: str) -> float | None:
    """The measured bf16-over-fp32 ratio an `auto` choice on this CPU rests on (None where none was measured), so
    the training record says why it trained in the precision it did."""
    if requested != "auto" or device.type != "cpu" or not native_bf16(device):
        return None
    return measured_bf16_speedup()


def autocast(device: torch.device, precision: str):
    """bf16 autocast for a resolved precision of bf16; a no-op context for fp32."""
    return torch.autocast(device.type, dtype=torch.bfloat16, enabled=precision == "bf16")


def seed_everything(seed: int) -> torch.Generator:
    """Seed Python, NumPy and torch; return a CPU generator for data order and noise."""
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)
    generator = torch.Generator()
    generator.manual_seed(seed)
    return generator


def describe_device(device: torch.device) -> str:
    if device.type == "cuda":
        return f"cuda ({torch.cuda.get_device_name(device)})"
    return f"cpu ({platform.processor() or platform.machine()}, {torch.get_num_threads()} threads)"


def synchronize(device: torch.device) -> None:
    """Wait for the device's queued work, so a timing covers it."""
    if device.type == "cuda":
        torch.cuda.synchronize()


def random_subset(count: int, total: int, seed: int) -> torch.Tensor:
    """`count` distinct indices of `total`, chosen by `seed`."""
    return torch.randperm(total, generator=torch.Generator().manual_seed(seed))[:count]
