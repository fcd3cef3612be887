"""Is a file the one seen before? One rule for the signature cache, batch's resume and render: the same
size and the same modification time (os.stat's st_size and st_mtime, as probe records them in a Clip
and align in the manifest). A copy with a new modification time counts as changed."""

from __future__ import annotations

import os


def version(path: str) -> tuple[int, float] | None:
    """(size, modification time) of ``path``; None when it cannot be read."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_size, st.st_mtime


def unchanged(path: str, size: int, mtime: float) -> bool:
    """Whether ``path`` is still the file that had this size and modification time."""
    return version(path) == (size, mtime)
