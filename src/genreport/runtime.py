"""The one place that chooses the device, the thread count and the seeds."""

from __future__ import annotations

import os
import random

import numpy as np
import torch

from .errors import ConfigError


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
        raise ConfigError(
            f"device '{requested}' asked for but CUDA is not available: use --config preset=cpu"
        )
    if requested not in ("cpu",) and not requested.startswith("cuda"):
        raise ConfigError(f"unknown device '{requested}': use cpu, cuda or auto")
    return torch.device(requested)


PRECISIONS = ("fp32", "bf16", "auto")


def native_bf16(device: torch.device) -> bool:
    """Whether the device computes in bf16 natively; elsewhere bf16 is emulated and slower than fp32."""
    if device.type == "cuda":
        return torch.cuda.is_bf16_supported(including_emulation=False)
    capabilities = torch.cpu.get_capabilities()
    return bool(capabilities.get("avx512_bf16") or capabilities.get("amx_bf16"))


def resolve_precision(device: torch.device, requested: str) -> str:
    """`auto` becomes bf16 where the device has it natively and fp32 elsewhere."""
    if requested not in PRECISIONS:
        raise ConfigError(f"precision is {requested!r}: choose one of {', '.join(PRECISIONS)}")
    if requested == "auto":
        return "bf16" if native_bf16(device) else "fp32"
    return requested


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
    import platform

    return f"cpu ({platform.processor() or platform.machine()}, {torch.get_num_threads()} threads)"
