"""One codec for what grading writes down (answer records, function cases and results): values
arrive as they left, and anything else arrives as a description the readers reject."""

import math

import numpy as np
import pytest
from brian2 import Hz, Mohm, mV, ms, nA, ohm, second

from neurodyn_lab.grading.answers import Rejected, read_quantity
from neurodyn_lab.grading.codec import MAX_ITEMS, Described, decode, encode
from neurodyn_lab.grading.sandbox import run_function
from neurodyn_lab.parameters import LIFParams

SAME = [3 * nA, -65.5 * mV, 40 * Hz, 12 * Mohm, 0.0, 7, "low-pass", None, True, ..., [1, 2.5] * ms,
        np.linspace(0, 1, 5), (1 * nA, "x"), [[1, 2], [3, 4]], {"gain": 20 * Mohm, "phase": -30.0},
        LIFParams(), LIFParams.classic(), LIFParams().replace(tau=20 * ms), np.arange(6.0).reshape(2, 3) * mV]


def same(a, b):
    if a is ... or a is None:
        return a is b
    if isinstance(a, (np.ndarray,)) or hasattr(a, "dim"):
        return np.shape(a) == np.shape(b) and bool(np.all(np.asarray(a == b)))
    if isinstance(a, (tuple, list)):
        return type(a) is type(b) and len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


@pytest.mark.parametrize("value", SAME, ids=repr)
def test_values_arrive_as_they_left(value):
    import json

    assert same(value, decode(json.loads(json.dumps(encode(value)))))


def test_nan_and_infinities_survive_json():
    import json

    back = decode(json.loads(json.dumps(encode(np.array([np.nan, np.inf, -np.inf, 1.0]) * mV))))
    values = np.asarray(back / mV)
    assert math.isnan(values[0]) and values[1] == np.inf and values[2] == -np.inf and values[3] == 1.0


def test_what_cannot_be_written_down_is_described_and_rejected_with_a_sentence():
    for value, words in ((print, "the function print"), (object(), "object"), (1 + 2j, "complex")):
        back = decode(encode(value))
        assert isinstance(back, Described) and words in repr(back), (value, back)
    with pytest.raises(Rejected, match="give"):
        read_quantity(decode(encode(object())), second, "a time, e.g. 5*ms")


def test_a_huge_array_is_described_not_written():
    record = encode(np.zeros(MAX_ITEMS + 1))
    assert record == {"kind": "other", "description": f"an array of {MAX_ITEMS + 1} values"}


@pytest.mark.parametrize("record", [None, 5, "x", {"kind": "quantity"}, {"kind": "params", "fields": {}},
                                    {"kind": "quantity", "value": 1.0, "dimensions": "parsec"},
                                    {"kind": "list", "items": 3}, {"kind": "weird"}])
def test_a_malformed_record_becomes_a_description(record):
    assert isinstance(decode(record), Described)


def test_function_cases_and_results_of_any_shape_cross_the_process_boundary():
    # A trace in, a (gain, phase) pair out: what 03's measuring function needs.
    source = ("import numpy as np\n"
              "def measure(t, v, frequency):\n"
              "    return (np.ptp(v) / 2 / (1 * nA), float(len(t)))\n")
    t = np.arange(0, 10, 0.1) * ms
    v = np.sin(2 * np.pi * 0.1 * np.arange(100)) * 4 * mV
    out = run_function(source, "measure", [[encode(t), encode(v), encode(50 * Hz)]],
                       preamble="from brian2 import nA", seconds=30)
    assert out["problem"] is None, out
    gain, count = decode(out["results"][0]["value"])
    assert count == 100 and abs(float(gain / ohm) - float(np.ptp(v) / 2 / nA / ohm)) < 1e-3
