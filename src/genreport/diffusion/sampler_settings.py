"""Sampler settings of the DDPM, as the presets write them (kept free of torch: the report reads them too)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Sampler:
    """How to run the reverse process: `ancestral` (all T steps, Ho et al.), `ddim` (deterministic,
    Song et al. 2021) or `dpm_solver` (DPM-Solver++(2M), Lu et al. 2022) on `steps` network evaluations,
    their timesteps spaced by `spacing`: evenly in t (`time`), evenly in log-SNR (`logsnr`) or by
    EDM's rho = 7 rule on the noise level sigma (`edm`, Karras et al. 2022)."""

    method: str
    steps: int
    spacing: str = "time"

    METHODS = {"ancestral": "ancestral", "ddim": "DDIM", "dpm_solver": "DPM-Solver++(2M)"}
    SPACINGS = {"time": "", "logsnr": "log-SNR spacing", "edm": "EDM spacing"}

    @classmethod
    def parse(cls, text: str, timesteps: int) -> Sampler:
        """`ancestral`, `ddim:<steps>[:<spacing>]` or `dpm_solver:<steps>[:<spacing>]`, as the presets write it."""
        method, _, rest = text.partition(":")
        steps, _, spacing = rest.partition(":")
        if (
            method not in cls.METHODS
            or (method == "ancestral") != (steps == "")
            or (steps and not steps.isdigit())
            or (spacing and (spacing not in cls.SPACINGS or method == "ancestral"))
        ):
            raise ValueError(
                f"sampler {text!r}: write ancestral, ddim:<steps> or dpm_solver:<steps>, "
                f"optionally with :{' / :'.join(cls.SPACINGS)} after the steps"
            )
        return cls(method, int(steps) if steps else timesteps, spacing or "time")

    def describe(self) -> str:
        spacing = self.SPACINGS[self.spacing]
        return f"{self.METHODS[self.method]}, {self.steps} steps" + (f", {spacing}" if spacing else "")
