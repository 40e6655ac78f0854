"""Shared fixtures: a prompt screen on fakes (real lexicons and rules, fake encoder, zero model)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from rempart.guard import Guard
from rempart.policy import load_policy
from rempart.text.classifier import DENSE_NAMES, HASH_SIZE, LinearPromptModel
from rempart.text.encoder import EMBEDDING_DIM, FakeEncoder
from rempart.text.screen import PromptScreen


def constant_model(probability: float) -> LinearPromptModel:
    """A classifier that always answers ``probability`` (so tests exercise the rules alone)."""
    logit = float(np.log(probability / (1 - probability)))
    return LinearPromptModel(
        sparse_weights=np.zeros(HASH_SIZE, dtype=np.float32),
        dense_weights=np.zeros(len(DENSE_NAMES) + EMBEDDING_DIM, dtype=np.float32),
        intercept=logit,
        card={"version": f"constant-{probability}"},
    )


@pytest.fixture(scope="session")
def rules_screen() -> PromptScreen:
    screen = PromptScreen(FakeEncoder(), model=constant_model(0.01))
    screen.load()
    return screen


@pytest.fixture(scope="session")
def rules_guard(rules_screen: PromptScreen) -> Guard:
    return Guard(policy=load_policy(), prompt_screen=rules_screen)


@pytest.fixture(scope="session")
def screen_at() -> Callable[[float], PromptScreen]:
    """A loaded rules screen whose classifier always answers the given probability."""

    def make(probability: float) -> PromptScreen:
        screen = PromptScreen(FakeEncoder(), model=constant_model(probability))
        screen.load()
        return screen

    return make
