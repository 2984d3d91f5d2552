"""The pieces behind the report's experiments: inversion, linear probes, interpolation paths."""

from __future__ import annotations

import math

import torch

from genreport.measure.analysis import feature_path_smoothness, slerp
from genreport.measure.inversion import invert_generator, invert_vae_decoder
from genreport.measure.probes import balanced_subset, principal_components, probe_accuracy
from genreport.models.classifier import DigitClassifier
from genreport.models.gan import Generator
from genreport.models.vae import ConvVAE


def test_inversion_finds_an_image_the_generator_can_make():
    torch.manual_seed(0)
    generator = Generator(latent_dim=8, channels=8).eval()
    with torch.no_grad():
        targets = (generator(torch.randn(4, 8)) + 1) / 2
    _, one_try = invert_generator(generator, targets, steps=5, restarts=1, seed=0)
    _, searched = invert_generator(generator, targets, steps=300, restarts=3, seed=0)
    first, best = (one_try - targets).pow(2).mean(), (searched - targets).pow(2).mean()
    assert best < 0.2 * first
    assert all(p.requires_grad for p in generator.parameters()), "the generator's parameters are left trainable"


def test_the_vae_decoder_gets_the_same_search():
    torch.manual_seed(0)
    model = ConvVAE(latent_dim=4, channels=8).eval()
    with torch.no_grad():
        targets = model.decode(torch.randn(4, 4))
    codes, one_try = invert_vae_decoder(model, targets, steps=5, restarts=1, seed=0)
    _, searched = invert_vae_decoder(model, targets, steps=300, restarts=3, seed=0)
    assert codes.shape == (4, 4) and searched.shape == targets.shape
    assert (searched - targets).pow(2).mean() < 0.2 * (one_try - targets).pow(2).mean()
    assert all(p.requires_grad for p in model.parameters())


def test_probe_reads_a_linear_code_and_not_noise():
    generator = torch.Generator().manual_seed(0)
    labels = torch.arange(10).repeat(60)
    readable = torch.nn.functional.one_hot(labels, 10).float() * 5 + torch.randn(600, 10, generator=generator)
    noise = torch.randn(600, 10, generator=generator)
    test_labels = torch.arange(10).repeat(30)
    test_readable = torch.nn.functional.one_hot(test_labels, 10).float() * 5 + torch.randn(300, 10, generator=generator)
    assert probe_accuracy(readable, labels, test_readable, test_labels)["test_accuracy"] > 0.9
    assert probe_accuracy(noise, labels, torch.randn(300, 10, generator=generator), test_labels)["test_accuracy"] < 0.25


def test_probe_accuracy_carries_a_test_image_bootstrap_interval_around_it():
    generator = torch.Generator().manual_seed(1)
    labels = torch.arange(10).repeat(60)
    features = torch.nn.functional.one_hot(labels, 10).float() + torch.randn(600, 10, generator=generator)
    result = probe_accuracy(features[:400], labels[:400], features[400:], labels[400:])
    low, high = result["interval"]
    assert low < result["test_accuracy"] < high
    assert 0.02 < high - low < 0.2  # about four standard errors of a share over 200 test images


def test_principal_components_keep_the_readable_directions_at_a_smaller_dimension():
    generator = torch.Generator().manual_seed(2)
    labels = torch.arange(10).repeat(60)
    # the class code spread over 100 correlated dimensions, under a little independent noise
    mixing = torch.randn(10, 100, generator=generator)
    features = torch.nn.functional.one_hot(labels, 10).float() @ mixing + 0.3 * torch.randn(
        600, 100, generator=generator
    )
    train, test = principal_components(features[:400], features[400:], 10)
    assert train.shape == (400, 10) and test.shape == (200, 10)
    assert probe_accuracy(train, labels[:400], test, labels[400:])["test_accuracy"] > 0.9
    narrow = torch.randn(50, 4, generator=generator)
    assert principal_components(narrow, narrow, 10)[0] is narrow  # fewer dimensions than asked: unchanged


def test_balanced_subset_takes_the_same_count_of_each_label():
    labels = torch.randint(0, 10, (1000,), generator=torch.Generator().manual_seed(0))
    chosen = balanced_subset(labels, 7, seed=0)
    assert torch.bincount(labels[chosen], minlength=10).tolist() == [7] * 10


def test_slerp_keeps_the_ends_and_the_norm():
    a, b = torch.randn(1, 28, 28), torch.randn(1, 28, 28)
    b = b * a.norm() / b.norm()
    path = slerp(a, b, 7)
    assert torch.allclose(path[0], a, atol=1e-5) and torch.allclose(path[-1], b, atol=1e-5)
    assert torch.allclose(path.flatten(1).norm(dim=1), a.norm().expand(7), rtol=1e-4)
    middle = (a + b) / 2
    assert middle.norm() < 0.9 * a.norm()  # the straight line would have shrunk the noise


def test_a_still_path_changes_no_class_and_a_jump_stands_out():
    classifier = DigitClassifier(channels=4).eval()
    still = [torch.rand(1, 1, 28, 28, generator=torch.Generator().manual_seed(0)).expand(6, 1, 28, 28).clone()]
    assert feature_path_smoothness(still, classifier)["class_changes_per_path"] == 0
    frames = torch.zeros(6, 1, 28, 28)
    frames[3:] = 1.0  # one jump between frames 2 and 3
    jumpy = feature_path_smoothness([frames], classifier)
    assert math.isclose(jumpy["max_over_mean_feature_step"], 5.0, rel_tol=1e-4)
