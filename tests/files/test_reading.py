"""Safe reading of user files: one-line errors naming the file, no bombs, no surprises."""

import os

import pytest
from hypothesis import given
from hypothesis import strategies as st

from accelsim.errors import AccelsimError
from accelsim.files.reading import (
    MAX_DEPTH,
    input_path,
    read_csv,
    read_structured,
    read_text,
    short_repr,
)


def _one_line(exc: pytest.ExceptionInfo) -> str:
    text = str(exc.value)
    assert "\n" not in text
    return text


def test_paths_that_are_not_regular_files(tmp_path):
    with pytest.raises(AccelsimError, match="does not exist") as exc:
        input_path(tmp_path / "missing.toml", "network file")
    assert "network file" in _one_line(exc)
    with pytest.raises(AccelsimError, match="is a directory"):
        input_path(tmp_path, "network file")
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    with pytest.raises(AccelsimError, match="not a regular file"):
        read_text(fifo, "network file")  # never blocks on the FIFO


def test_bom_is_dropped_and_bad_bytes_named(tmp_path):
    path = tmp_path / "net.csv"
    path.write_bytes(b"\xef\xbb\xbfname,filters\nconv1,3\n")
    assert read_csv(path, "network file") == [{"name": "conv1", "filters": "3"}]
    path.write_bytes(b"name\n\xff\n")
    with pytest.raises(AccelsimError, match="not UTF-8 text"):
        read_text(path, "network file")


def test_yaml_alias_bomb_is_refused_at_once(tmp_path):
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 9)]
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines))
    with pytest.raises(AccelsimError, match="aliases") as exc:
        read_structured(path, "network file")
    assert len(_one_line(exc)) < 300


@pytest.mark.parametrize(
    ("suffix", "text", "message"),
    [
        (".json", "[" * 100_000 + "]" * 100_000, "nested deeper"),
        (".json", '{"a": NaN}', "NaN"),
        (".json", '{"a": "\\ud83d"}', "unpaired surrogate"),
        (".toml", "a = inf", "not a finite number"),
        (".yaml", "a: .nan", "not a finite number"),
        (".json", "{", "cannot parse"),
        (".xml", "<a/>", "unknown file type"),
    ],
)
def test_structured_refusals(tmp_path, suffix, text, message):
    path = tmp_path / f"net{suffix}"
    path.write_text(text)
    with pytest.raises(AccelsimError, match=message) as exc:
        read_structured(path, "network file")
    assert str(path) in _one_line(exc)


def test_depth_limit_is_exact(tmp_path):
    path = tmp_path / "deep.json"
    path.write_text("[" * MAX_DEPTH + "]" * MAX_DEPTH)
    read_structured(path, "network file")
    path.write_text("[" * (MAX_DEPTH + 2) + "]" * (MAX_DEPTH + 2))
    with pytest.raises(AccelsimError, match="nested deeper"):
        read_structured(path, "network file")


@given(
    st.one_of(
        st.text(), st.integers(), st.lists(st.integers()), st.dictionaries(st.text(), st.integers())
    )
)
def test_short_repr_is_short(value):
    assert len(short_repr(value)) <= 60


def test_short_repr_of_a_huge_integer():
    assert short_repr(10**100_000) == "an integer of about 100001 digits"
    assert short_repr(-(2**64)) == repr(-(2**64))
