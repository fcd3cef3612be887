"""One "is this the same file?" rule: size and modification time."""

from __future__ import annotations

import os

from syncam.identity import unchanged, version


def test_same_size_and_mtime_is_the_same_file(tmp_path) -> None:
    path = tmp_path / "clip.mp4"
    path.write_bytes(b"x" * 100)
    size, mtime = version(str(path))  # type: ignore[misc]
    assert size == 100 and unchanged(str(path), size, mtime)
    st = os.stat(path)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))  # copied again: a new mtime
    assert not unchanged(str(path), size, mtime)
    path.write_bytes(b"y" * 101)
    assert not unchanged(str(path), size, version(str(path))[1])  # type: ignore[index]
    assert version(str(tmp_path / "gone.mp4")) is None
    assert not unchanged(str(tmp_path / "gone.mp4"), size, mtime)
