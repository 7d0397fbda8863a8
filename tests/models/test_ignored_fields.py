"""`Model.ignores` is true: changing a field a model says it ignores changes none of its results
(a sweep evaluates layers differing only in those fields once)."""

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from accelsim.api import evaluate
from accelsim.models.registry import models
from accelsim.workload.builtin import builtin_network
from accelsim.workload.network import Network

LAYERS = [
    (net, layer)
    for net in (builtin_network("alexnet"), builtin_network("squeezenet"))
    for layer in net.compute_layers[:4]
]
ACCELERATOR = {"systolic": "scalesim-32x32"}


def _alone(net, layer, changes, reads_image, input_zero):
    one = net.layer_alone(replace(layer, **changes))
    readers = one.image_readers if reads_image is None else ((layer.name,) if reads_image else ())
    return Network(one.name, None, one.layers, input_zero, image_readers=readers)


def _rows(model, network):
    return [r.row() for r in evaluate(network, ACCELERATOR[model], model)]


@settings(max_examples=12)
@given(
    st.sampled_from(LAYERS),
    st.floats(0, 0.95),
    st.floats(0, 0.95),
    st.integers(1, 8),
    st.booleans(),
    st.floats(0, 0.9),
)
def test_ignored_fields_change_no_result(case, ifmap_zero, ofmap_zero, batch_n, reads, zero):
    net, layer = case
    for name, model in models().items():
        if not model.ignores:
            continue
        assert name in ACCELERATOR, f"test model '{name}' on an accelerator"
        base = _rows(name, net.layer_alone(layer))
        changes = {
            "ifmap_zero": ifmap_zero,
            "ofmap_zero": ofmap_zero,
            "batch_n": batch_n,
        }
        changes = {k: v for k, v in changes.items() if k in model.ignores}
        reads_image = reads if "reads_image" in model.ignores else None
        input_zero = zero if "input_zero" in model.ignores else net.input_zero
        changed = _rows(name, _alone(net, layer, changes, reads_image, input_zero))
        assert changed == base
