"""The diffusion process (schedule, noising, loss, samplers) and the sampler settings the presets name."""
