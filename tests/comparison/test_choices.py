"""Model specs of a comparison and how shared options reach the models."""

import pytest

from accelsim.comparison.choices import ModelChoice, parse_choice, parse_choices, route_options
from accelsim.errors import AccelsimError


def test_parse_specs():
    assert parse_choice("analytical") == ModelChoice("analytical", "analytical")
    choice = parse_choice("rs:mapper=energy:batch=4")
    assert choice.model == "rs" and dict(choice.options) == {"mapper": "energy", "batch": 4}
    assert parse_choice("runs/my.csv") == ModelChoice("runs/my.csv", "runs/my.csv")
    assert parse_choice("analytical:compute_n=true").options == {"compute_n": True}


@pytest.mark.parametrize(
    "spec", ["analytical", "a,b,c", "rs,rs", "rs:mapper", "rs:=x", "rs:batch=1:batch=2", ","]
)
def test_bad_specs(spec):
    with pytest.raises(AccelsimError):
        parse_choices(spec)


def test_shared_options_go_to_the_models_that_take_them():
    choices = parse_choices("analytical,rs:mapper=energy")
    a, b = route_options(choices, {"batch": 2, "compute_n": None}, "spatial")
    assert a == {"batch": 2}  # every model runs at the batch asked for
    assert b == {"batch": 2, "mapper": "energy"}
    a, b = route_options(choices, {"compute_n": True}, "spatial")
    assert a == {"compute_n": True}
    assert b == {"mapper": "energy"}


def test_an_option_no_chosen_model_takes_is_an_error():
    with pytest.raises(AccelsimError, match="memory"):
        route_options(parse_choices("analytical,rs"), {"memory": "default"}, "spatial")


def test_numbers_and_a_named_file_model():
    assert parse_choice("analytical:macs_per_s=1e10").options == {"macs_per_s": 1e10}
    choice = parse_choice("file:path=runs/r.csv")
    assert choice.model == "file" and choice.options == {"path": "runs/r.csv"}
