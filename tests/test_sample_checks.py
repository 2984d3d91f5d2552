"""Sample sets checked before their metrics judge them: real digits pass, blank, collapsed and copied sets fail."""

from __future__ import annotations

import pytest
import torch
from support import mnist_test_images

from genreport.measure.sample_checks import SHARE_LIMIT, check_sample_set

TEST = mnist_test_images(2000)
needs_mnist = pytest.mark.skipif(TEST is None, reason="no offline MNIST copy: set GENREPORT_MNIST_DIR")


@pytest.fixture(scope="module")
def train():
    return mnist_test_images(60000, split="train")


@needs_mnist
def test_real_test_digits_pass_with_a_wide_margin(train):
    checks = check_sample_set(TEST, train)
    assert checks["passed"], checks
    assert all(share < SHARE_LIMIT / 5 for share in checks["shares"].values()), checks


@pytest.mark.fault
@needs_mnist
@pytest.mark.parametrize(
    "make, failed",
    [
        (lambda train: TEST[:1].repeat(300, 1, 1, 1), "duplicated"),  # one image over and over: a collapsed generator
        (lambda train: train[:300], "copied_from_training"),  # training images passed off as samples
        (lambda train: torch.cat([torch.zeros(100, 1, 28, 28), TEST[:200]]), "blank"),  # a third of the set empty
    ],
)
def test_a_degenerate_set_fails_the_check_it_breaks(train, make, failed):
    checks = check_sample_set(make(train), train)
    assert not checks["passed"] and failed in checks["failed"], checks


@needs_mnist
def test_a_few_near_copies_stay_within_the_limit(train):
    images = TEST[:400].clone()
    images[:10] = TEST[:1] + 0.004  # ten near-identical images among 400: 2.5 %, within the 5 % limit
    assert check_sample_set(images, train)["passed"]
