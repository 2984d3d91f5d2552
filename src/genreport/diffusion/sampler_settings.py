"""Sampler settings of the DDPM, as the presets write them (kept free of torch: the report reads them too)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Sampler:
    """How to run the reverse process: `ancestral` (all T steps, Ho et al.), `ddim` (deterministic,
    Song et al. 2021) or `dpm_solver` (DPM-Solver++(2M), Lu et al. 2022) on `steps` network evaluations."""

    method: str
    steps: int

    METHODS = {"ancestral": "ancestral", "ddim": "DDIM", "dpm_solver": "DPM-Solver++(2M)"}

    @classmethod
    def parse(cls, text: str, timesteps: int) -> Sampler:
        """`ancestral`, `ddim:<steps>` or `dpm_solver:<steps>`, as the presets write it."""
        method, _, steps = text.partition(":")
        if method not in cls.METHODS or (method == "ancestral") != (steps == "") or (steps and not steps.isdigit()):
            raise ValueError(f"sampler {text!r}: write ancestral, ddim:<steps> or dpm_solver:<steps>")
        return cls(method, int(steps) if steps else timesteps)

    def describe(self) -> str:
        return f"{self.METHODS[self.method]}, {self.steps} steps"
