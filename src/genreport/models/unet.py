"""A small UNet that predicts the noise in x_t, conditioned on t by a sinusoidal embedding."""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn


def sinusoidal_embedding(t: torch.Tensor, dim: int) -> torch.Tensor:
    """Transformer-style embedding of integer timesteps, shape [B, dim]."""
    half = dim // 2
    frequencies = torch.exp(-math.log(10000.0) * torch.arange(half, device=t.device) / half)
    angles = t.float()[:, None] * frequencies[None]
    return torch.cat([angles.sin(), angles.cos()], dim=1)


def _norm(channels: int) -> nn.GroupNorm:
    return nn.GroupNorm(min(8, channels), channels)


class ResidualBlock(nn.Module):
    def __init__(self, in_channels: int, out_channels: int, time_dim: int):
        super().__init__()
        self.norm1 = _norm(in_channels)
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, padding=1)
        self.time = nn.Linear(time_dim, out_channels)
        self.norm2 = _norm(out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, padding=1)
        self.skip = nn.Conv2d(in_channels, out_channels, 1) if in_channels != out_channels else nn.Identity()

    def forward(self, x: torch.Tensor, t_emb: torch.Tensor) -> torch.Tensor:
        h = self.conv1(F.silu(self.norm1(x)))
        h = h + self.time(t_emb)[:, :, None, None]
        h = self.conv2(F.silu(self.norm2(h)))
        return h + self.skip(x)


class SelfAttention(nn.Module):
    def __init__(self, channels: int, heads: int = 4):
        super().__init__()
        self.norm = _norm(channels)
        self.attention = nn.MultiheadAttention(channels, heads, batch_first=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, c, h, w = x.shape
        tokens = self.norm(x).flatten(2).transpose(1, 2)
        out, _ = self.attention(tokens, tokens, tokens, need_weights=False)
        return x + out.transpose(1, 2).reshape(b, c, h, w)


class UNet(nn.Module):
    """Two residual blocks per resolution; 28 -> 14 -> 7 for channel_mults of length 3."""

    def __init__(
        self, channels: int = 32, channel_mults=(1, 2, 2), attention: bool = False, upsample_to_finer: bool = False
    ):
        """`upsample_to_finer`: each upsampling convolution emits the finer level's width, not the coarser's, so
        the costliest convolution (at 28x28) runs at the narrow width."""
        super().__init__()
        time_dim = 4 * channels
        self.base_channels = channels
        self.time_mlp = nn.Sequential(nn.Linear(channels, time_dim), nn.SiLU(), nn.Linear(time_dim, time_dim))
        self.stem = nn.Conv2d(1, channels, 3, padding=1)

        widths = [channels * m for m in channel_mults]
        self.down_blocks = nn.ModuleList()
        self.downsamples = nn.ModuleList()
        skip_widths = []
        current = channels
        for level, width in enumerate(widths):
            self.down_blocks.append(ResidualBlock(current, width, time_dim))
            current = width
            skip_widths.append(current)
            last = level == len(widths) - 1
            self.downsamples.append(nn.Identity() if last else nn.Conv2d(current, current, 3, 2, 1))

        self.mid1 = ResidualBlock(current, current, time_dim)
        self.mid_attention = SelfAttention(current) if attention else nn.Identity()
        self.mid2 = ResidualBlock(current, current, time_dim)

        self.up_blocks = nn.ModuleList()
        self.upsamples = nn.ModuleList()
        for level, width in reversed(list(enumerate(widths))):
            self.up_blocks.append(ResidualBlock(current + skip_widths[level], width, time_dim))
            current = width
            if level == 0:
                self.upsamples.append(nn.Identity())
                continue
            finer = widths[level - 1] if upsample_to_finer else current
            self.upsamples.append(
                nn.Sequential(nn.Upsample(scale_factor=2, mode="nearest"), nn.Conv2d(current, finer, 3, padding=1))
            )
            current = finer
        self.head = nn.Sequential(_norm(current), nn.SiLU(), nn.Conv2d(current, 1, 3, padding=1))

    def forward(self, x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        t_emb = self.time_mlp(sinusoidal_embedding(t, self.base_channels))
        h = self.stem(x)
        skips = []
        for block, down in zip(self.down_blocks, self.downsamples, strict=True):
            h = block(h, t_emb)
            skips.append(h)
            h = down(h)
        h = self.mid2(self.mid_attention(self.mid1(h, t_emb)), t_emb)
        for block, up in zip(self.up_blocks, self.upsamples, strict=True):
            h = block(torch.cat([h, skips.pop()], dim=1), t_emb)
            h = up(h)
        return self.head(h)
