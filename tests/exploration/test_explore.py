"""`accelsim.explore`: rows equal the models run design by design, identical layers are
evaluated once, refusals are rows with reasons, and every executor (this process, a process
pool, a Dask cluster, a resumed sweep) gives the same table."""

import math
from concurrent.futures import Executor, Future, ProcessPoolExecutor

import pandas as pd
import pytest

import accelsim
from accelsim.exploration import Constraints, Space, Store, explore
from accelsim.exploration.run import SweepInterrupted, plan, sweep
from accelsim.exploration.table import network_frame
from accelsim.hardware.config import resolve_accelerator
from accelsim.workload.builtin import builtin_network
from accelsim.workload.layer import TensorShape
from accelsim.workload.network import NetworkBuilder

SMALL = Space(dataflows=("rs", "os", "ws"), arrays=((8, 8), (12, 14), (16, 16)))


@pytest.fixture(scope="module")
def shared_store(tmp_path_factory):
    """One store for the module's sweeps of SMALL: each is evaluated once."""
    return str(tmp_path_factory.mktemp("explore") / "store.sqlite")


@pytest.fixture(scope="module")
def small_frame(shared_store):
    return explore(SMALL, ["alexnet"], store=shared_store)


def test_rows_equal_each_model_run_on_the_design(small_frame):
    evaluated = small_frame[small_frame.status == "ok"]
    assert len(evaluated) == 8
    for _, row in evaluated.iterrows():
        acc = resolve_accelerator(None, dataflow=row.dataflow, array=(row.rows, row.cols))
        layers = accelsim.run("alexnet", acc, "simulated")
        for column in ("energy_j", "latency_s", "macs", "dram_accesses", "glb_accesses"):
            assert row[column] == math.fsum(layers[column]), (row.design, column)
        assert row.edp_js == row.energy_j * row.latency_s
        assert row.power_w == row.energy_j / row.latency_s


def test_a_filter_taller_than_the_array_is_a_refused_row(small_frame):
    refused = small_frame[small_frame.status == "refused"]
    assert refused.design.tolist() == ["eyeriss rs 8x8"]
    (reason,) = refused.reason
    assert reason.startswith("layer 'conv1': filter_height 11 exceeds the 8 PE rows")
    assert math.isnan(refused.energy_j.iloc[0]) and not refused.pareto.iloc[0]


def _repeated_net(zeros=(0.0, 0.0, 0.0)):
    net = NetworkBuilder("repeated", TensorShape(3, 32, 32))
    for name, zero in zip(("a", "b", "c"), zeros, strict=True):
        net.conv(name, 16, 3, pad=1, ofmap_zero=zero)
    return net.build()


def test_identical_layers_are_evaluated_once():
    """Layers b and c differ only in their zero fractions (like VGG-16's repeated convolutions),
    which the systolic model ignores; the row-stationary model gates zeros, so for it they are
    distinct layers."""
    net = _repeated_net(zeros=(0.3, 0.5, 0.7))
    systolic = Space(dataflows=("ws",), arrays=((16, 16),))
    points, keys, tasks = plan(systolic, [net])
    assert len(keys[(0, 0)]) == 3 and len(tasks) == 2
    assert len(plan(Space(arrays=((12, 14),)), [net])[2]) == 3
    store = Store(None)
    first = sweep(systolic, [net], store=store)
    again = sweep(systolic, [net], store=store)
    assert first.evaluated == 2 and again.evaluated == 0
    assert network_frame(first).equals(network_frame(again))
    layers = explore(systolic, [net], layers=True)
    direct = accelsim.run(net, points[0].accelerator, "systolic")
    assert layers.energy_j.tolist() == direct.energy_j.tolist()
    assert layers.layer.tolist() == ["a", "b", "c"]


def test_refusals_of_identical_layers_name_each_layer():
    net = _repeated_net()
    assert len(plan(Space(arrays=((2, 2),)), [net])[2]) == 2  # b and c are one task
    frame = explore(Space(arrays=((2, 2),)), [net], layers=True)
    assert frame.status.tolist() == ["refused"] * 3
    for layer, reason in zip(frame.layer, frame.reason, strict=True):
        assert reason.startswith(f"layer '{layer}': filter_height 3 exceeds the 2 PE rows")
    (row,) = explore(Space(arrays=((2, 2),)), [net]).itertuples()
    assert row.reason.startswith("layer 'a': ") and row.reason.endswith("(and 2 more layers)")


def test_layer_table_equals_the_model(small_frame):
    frame = explore(Space(dataflows=("os",), arrays=((16, 16),)), ["alexnet"], layers=True)
    acc = resolve_accelerator(None, dataflow="os", array=(16, 16))
    direct = accelsim.run("alexnet", acc, "systolic")
    for column in direct.columns:
        assert frame[column].tolist() == direct[column].tolist(), column


def test_constraints_and_top(small_frame, shared_store):
    evaluated = small_frame[small_frame.status == "ok"]
    bound = float(evaluated.area_mm2.median())
    limit = Constraints(max_area_mm2=bound)
    kept = explore(SMALL, ["alexnet"], store=shared_store, constraints=limit)
    assert (kept[kept.status == "ok"].area_mm2 <= bound).all()
    assert len(kept) == len(small_frame) - int((evaluated.area_mm2 > bound).sum())
    best = explore(SMALL, ["alexnet"], store=shared_store, top=2, rank="energy_j")
    assert best.energy_j.tolist() == sorted(evaluated.energy_j)[:2]


class InterruptAfter(Executor):
    """Runs chunks in this process; the n-th result raises KeyboardInterrupt (a Ctrl-C)."""

    def __init__(self, n):
        self.n = n
        self.calls = 0

    def submit(self, fn, *args, **kwargs):
        future = Future()
        self.calls += 1
        if self.calls == self.n:
            future.set_exception(KeyboardInterrupt())
        else:
            future.set_result(fn(*args, **kwargs))
        return future


def test_an_interrupted_sweep_resumes_with_nothing_lost(tmp_path):
    space = Space(arrays=((12, 14), (16, 16), (14, 12)), models=("analytical",))
    nets = ["alexnet", "vgg16"]
    path = tmp_path / "store.sqlite"
    with pytest.raises(SweepInterrupted, match="run the same sweep again") as caught:
        sweep(space, nets, InterruptAfter(3), Store(path))
    assert caught.value.exit_code == 130
    stored = len(Store(path))
    total = len(plan(space, [builtin_network(n) for n in nets])[2])
    assert 0 < stored < total
    resumed = sweep(space, nets, None, Store(path))
    assert resumed.evaluated == total - stored
    uninterrupted = explore(space, nets)
    pd.testing.assert_frame_equal(explore(space, nets, store=str(path)), uninterrupted)


def test_process_pool_equals_serial(small_frame):
    with ProcessPoolExecutor(max_workers=2) as pool:
        pd.testing.assert_frame_equal(explore(SMALL, ["alexnet"], pool), small_frame)


ANALYTICAL = Space(rows=(12, 14, 16), cols=(12, 14, 16), models=("analytical",))


def test_dask_local_cluster_equals_serial():
    """A real LocalCluster with two worker processes on localhost."""
    distributed = pytest.importorskip("distributed")
    serial = explore(ANALYTICAL, ["alexnet", "vgg16"])
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        on_dask = explore(ANALYTICAL, ["alexnet", "vgg16"], client.get_executor())
    pd.testing.assert_frame_equal(on_dask, serial)


def test_not_an_executor_is_an_error():
    with pytest.raises(accelsim.AccelsimError, match="concurrent.futures.Executor"):
        explore(SMALL, ["alexnet"], executor="local")
