"""Measurements of trained models: sample metrics, likelihood bounds, probes, inversion, quality curves."""
