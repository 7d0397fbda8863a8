"""The result store: outcomes round-trip exactly (NaN included), keys are kept once, and a
file that is not a store is a one-line error."""

import math

import pytest

from accelsim.errors import AccelsimError
from accelsim.exploration.store import Store, decode_outcome, default_store_path, encode_outcome


def test_round_trip_is_exact():
    row = {"layer": "conv1", "energy_j": 0.1 + 0.2, "utilization": math.nan, "batch": 3}
    back = decode_outcome(encode_outcome({"row": row}))["row"]
    assert back["energy_j"] == 0.1 + 0.2 and back["batch"] == 3 and math.isnan(back["utilization"])
    assert decode_outcome(encode_outcome({"refused": "too tall"})) == {"refused": "too tall"}


def test_keys_are_stored_once_and_persist(tmp_path):
    path = tmp_path / "sub" / "results.sqlite"
    with Store(path) as store:
        store.add([("k1", {"refused": "first"}), ("k2", {"row": {"x": 1.0}})])
        store.add([("k1", {"refused": "second"})])
        assert len(store) == 2
    with Store(path) as store:
        assert store.lookup(["k1", "k3"]) == {"k1": {"refused": "first"}}
        assert sorted(store.keys()) == ["k1", "k2"]


def test_lookup_of_many_keys(tmp_path):
    with Store(tmp_path / "s.sqlite") as store:
        store.add([(f"k{i}", {"refused": str(i)}) for i in range(1234)])
        found = store.lookup([f"k{i}" for i in range(0, 2000, 3)])
        assert len(found) == len(range(0, 1234, 3))


def test_not_a_store(tmp_path):
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"this is not a database" * 100)
    with pytest.raises(AccelsimError, match="not a result store"):
        Store(bad)
    with pytest.raises(AccelsimError, match="is a directory"):
        Store(tmp_path)


def test_default_path_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("ACCELSIM_CACHE_DIR", str(tmp_path))
    assert default_store_path() == tmp_path / "explore.sqlite"
    monkeypatch.delenv("ACCELSIM_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_store_path() == tmp_path / "xdg" / "accelsim" / "explore.sqlite"
