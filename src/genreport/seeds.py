"""Named random streams: every draw a job makes from the preset's seed has its own name and offset.

A job seeds a generator with `stream_seed(seed, OFFSET)`. No two streams share an offset (SHARED lists
any that would): a new draw takes an offset no stream uses.
Kept free of torch: the workflow reads these offsets too. runtime.random_subset draws from a stream.
"""

from __future__ import annotations

# Offsets from the preset's `seed`.
INTERPOLATION_PAIRS = 1  # the noise codes the interpolation figures and experiment walk between
IWAE_DRAWS = 23  # the VAE's importance samples in the likelihood bound
DDPM_BOUND_NOISE = 2  # the timesteps and noise of the DDPM's variational bound
INVERSION_IMAGES = 3  # which test images the reconstruction experiment inverts
PROBE_TRAIN_IMAGES = 4  # which training images the linear probes fit on
PROBE_INVERSION_IMAGES = 5  # which test images the probe of inverted GAN codes uses
PROBE_TEST_IMAGES = 31  # which test images the probes are scored on, where a preset takes fewer than all
EVALUATION_SAMPLES = 7  # the starting noise of each model's scored samples (the sample rule)
DETACH_SAMPLES = 29  # the detach experiment's GANs' samples
SAMPLER_NOISE = 11  # the sampler comparison's starting noise
PRECISION_NOISE = 13  # the bf16-against-fp32 sampling comparison's starting noise
BOOTSTRAP_REFERENCE = 17  # an interval's resamples of the reference set, where it resamples both sets
RANDOM_NETWORKS = 19  # the initialization of the untrained networks the probes read as a baseline
# Offsets from a training run's own seed.
FIXED_NOISE = 1_000_003  # the fixed-noise snapshots saved during training
# Offset from the sample rule's seed: the second half of the scored samples, so a ranking is
# checked across two sampling seeds.
SECOND_SAMPLE_HALF = 1

# Streams that share an offset: none.
SHARED: tuple[set[str], ...] = ()


def stream_seed(seed: int, offset: int) -> int:
    """The seed of a named stream drawn from `seed`."""
    return seed + offset
