"""Reproducible report pipeline for deep generative models (VAE, GAN, DDPM) on MNIST."""

__version__ = "0.1.0"
