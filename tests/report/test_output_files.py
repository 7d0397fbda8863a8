"""`--out` and every other output file: atomic replacement of regular files, symlinks followed,
devices and FIFOs written in place, and one-line errors (directory, read-only file, missing or
unwritable directory) with no temporary file left behind."""

import os
import stat

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accelsim.errors import AccelsimError
from accelsim.report.output import (
    TMP_MARKER,
    check_output_directory,
    output_target,
    write_atomic,
    write_text_atomic,
)


def leftovers(directory):
    return [p.name for p in directory.iterdir() if TMP_MARKER in p.name]


def test_regular_file_replaced_atomically_keeps_mode(tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("old")
    target.chmod(0o640)
    write_text_atomic(target, "new")
    assert target.read_text() == "new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert leftovers(tmp_path) == []


def test_symlink_target_replaced_and_link_kept(tmp_path):
    real = tmp_path / "real.csv"
    real.write_text("old")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    write_text_atomic(link, "new")
    assert link.is_symlink() and real.read_text() == "new"
    dangling = tmp_path / "dangling.csv"
    dangling.symlink_to(tmp_path / "made.csv")
    write_text_atomic(dangling, "x")
    assert dangling.is_symlink() and (tmp_path / "made.csv").read_text() == "x"


def test_devices_and_fifos_written_in_place(tmp_path):
    write_text_atomic("/dev/null", "ignored")
    assert os.path.exists("/dev/null") and stat.S_ISCHR(os.stat("/dev/null").st_mode)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    target, in_place = output_target(fifo)
    assert in_place and target == fifo
    with pytest.raises(AccelsimError, match="no process reads"):  # not a hang
        write_text_atomic(fifo, "x")


@pytest.mark.parametrize("case", ["directory", "read-only", "no-directory", "ro-directory"])
def test_refused_outputs_are_one_line_and_leave_nothing(tmp_path, case):
    if case == "directory":
        path, message = tmp_path, "is a directory"
    elif case == "read-only":
        path, message = tmp_path / "ro.csv", "read-only"
        path.write_text("keep")
        path.chmod(0o444)  # refused even for root, who could write it
    elif case == "ro-directory":
        (tmp_path / "ro").mkdir(mode=0o555)
        path, message = tmp_path / "ro" / "out.csv", "is not writable"
    else:
        path, message = tmp_path / "missing" / "out.csv", "does not exist"
    with pytest.raises(AccelsimError, match=message) as info:
        write_text_atomic(path, "new")
    assert "\n" not in str(info.value) and "--out" not in str(info.value)
    assert leftovers(tmp_path) == []
    if case == "read-only":
        assert path.read_text() == "keep"


def test_failed_write_removes_the_temporary_file(tmp_path):
    def boom(tmp):
        assert TMP_MARKER in os.path.basename(tmp)
        raise RuntimeError("writer failed")

    with pytest.raises(RuntimeError):
        write_atomic(tmp_path / "out.png", boom)
    assert list(tmp_path.iterdir()) == []


def test_long_name_still_gets_a_temporary_file(tmp_path):
    target = tmp_path / ("n" * 250)
    write_text_atomic(target, "x")
    assert target.read_text() == "x" and leftovers(tmp_path) == []


def test_output_directory_checks(tmp_path):
    assert (
        check_output_directory(tmp_path / "new" / "deeper", "--dir") == tmp_path / "new" / "deeper"
    )
    (tmp_path / "file").write_text("")
    with pytest.raises(AccelsimError, match="--dir .* is not a directory"):
        check_output_directory(tmp_path / "file", "--dir")
    with pytest.raises(AccelsimError, match="is a file"):
        check_output_directory(tmp_path / "file" / "sub", "--dir")


@settings(max_examples=40)
@given(name=st.text(min_size=0, max_size=300))
def test_any_output_name_is_written_or_refused_in_one_line(tmp_path_factory, name):
    directory = tmp_path_factory.mktemp("out")
    try:
        write_text_atomic(directory / name if name else name, "x")
    except AccelsimError as exc:
        message = str(exc)
        assert "\n" not in message and len(message) < 400
    assert leftovers(directory) == []
