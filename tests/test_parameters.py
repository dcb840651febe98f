"""LIFParams: presets, replace, validation."""

import pytest
from brian2 import Mohm, mV, ms

from neurodyn_lab import PRESETS, LIFParams


def test_book_defaults():
    p = LIFParams()
    assert (p.v_rest, p.v_reset, p.v_threshold, p.R, p.tau, p.t_ref) == \
        (-70 * mV, -65 * mV, -50 * mV, 10 * Mohm, 8 * ms, 2 * ms)
    assert LIFParams.neurodynex3() == LIFParams.book() == p == PRESETS["neurodynex3"]


def test_classic_set():
    p = LIFParams.classic()
    assert (p.v_rest, p.v_reset, p.v_threshold, p.R, p.tau, p.t_ref) == \
        (0 * mV, 0 * mV, 1 * mV, 1 * Mohm, 1 * ms, 0 * ms)
    assert PRESETS["classic"] == p


def test_replace_is_a_validated_copy_and_params_are_frozen():
    p = LIFParams()
    q = p.replace(tau=20 * ms)
    assert q.tau == 20 * ms and p.tau == 8 * ms
    assert hash(q) != hash(p) and q != p
    with pytest.raises(AttributeError):  # dataclasses.FrozenInstanceError
        p.tau = 1 * ms
    with pytest.raises(ValueError, match="v_reset must be below v_threshold"):
        p.replace(v_reset=-40 * mV)


def test_repr_round_trips():
    p = LIFParams(tau=12 * ms)
    from brian2 import Mohm, mV, ms as ms_  # noqa: F401  (names used by eval)

    assert eval(repr(p), {"LIFParams": LIFParams, "mV": mV, "Mohm": Mohm, "ms": ms_}) == p


def test_presets_cannot_be_changed():
    """A notebook cannot redefine what a preset name means for every later panel and check."""
    with pytest.raises(TypeError):
        PRESETS["classic"] = LIFParams()
    assert PRESETS["classic"] == LIFParams.classic() and list(PRESETS) == ["neurodynex3", "classic"]
