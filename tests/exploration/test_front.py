"""The Pareto front equals a brute-force non-dominated check, per network and estimate."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from accelsim.errors import AccelsimError
from accelsim.exploration.front import non_dominated, pareto


def brute_force(values: np.ndarray) -> np.ndarray:
    keep = np.ones(len(values), dtype=bool)
    for i, row in enumerate(values):
        for j, other in enumerate(values):
            if i != j and np.all(other <= row) and np.any(other < row):
                keep[i] = False
                break
    return keep


@given(
    arrays(
        np.float64,
        st.tuples(st.integers(0, 40), st.integers(1, 4)),
        elements=st.sampled_from([0.5, 1.0, 2.0, 3.0, 7.5]) | st.floats(0, 10),
    )
)
def test_non_dominated_equals_brute_force(values):
    assert np.array_equal(non_dominated(values), brute_force(values))


def test_equal_points_both_stay_and_groups_are_separate():
    frame = pd.DataFrame(
        {
            "network": ["a", "a", "a", "b", "a"],
            "estimate": ["simulated"] * 4 + ["analytical"],
            "status": ["ok", "ok", "ok", "ok", "ok"],
            "energy_j": [1.0, 1.0, 2.0, 9.0, 0.1],
            "latency_s": [1.0, 1.0, 2.0, 9.0, 0.1],
            "area_mm2": [1.0, 1.0, 2.0, 9.0, 0.1],
        }
    )
    assert pareto(frame).tolist() == [True, True, False, True, True]


def test_refused_and_unknown_rows_are_off_the_front():
    frame = pd.DataFrame(
        {
            "status": ["ok", "refused", "ok"],
            "energy_j": [2.0, float("nan"), float("nan")],
            "latency_s": [2.0, float("nan"), 0.1],
            "area_mm2": [2.0, 1.0, 0.1],
        }
    )
    assert pareto(frame).tolist() == [True, False, False]


def test_unknown_objective_is_an_error():
    with pytest.raises(AccelsimError, match="objective 'speed' is not a column"):
        pareto(pd.DataFrame({"energy_j": [1.0]}), objectives=("speed",))
