"""The signature cache: one .npz file per (clip, kind of signature), so a second run decodes nothing.

Why .npz files and no database: a signature is megabytes (the audio ``fine`` waveform is 32 KB per
second of clip), and SQLite's own measurements put blobs above ~100 KB faster in files than in the
database; numpy writes and reads them without an extra copy, bit-exact. The file system is the index:
an entry's name is a hash of (real path, method, signature parameters, syncam version), so there is no
second structure that could disagree with the files, and a changed clip overwrites its own slot instead
of leaving stale entries behind. Writes go to a temporary file renamed over the slot (syncam/atomic.py),
an atomic step on POSIX file systems, NFS included, where SQLite's locking is documented as unreliable:
concurrent writers (batch workers, Dask workers sharing a folder) each leave a whole entry, and a reader
sees the old file or the new one, never half of one. No locks are needed.

Trust nothing read back: an entry records the clip's identity (path, size, mtime), the parameters and
the version that made it, and is used only if all match the clip at hand; the zip container's CRC32
check catches damaged bytes. A stale or unreadable entry counts as a miss and is rebuilt.

A whole-pair sound search is kept too (``get_or_match``): on two 11-minute clips it takes a second,
ten times what loading both signatures does, so without it a warm re-align would still be slow. Its
entry is JSON, keyed by both clips' signature entries and identities and the search's settings.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
import threading
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeGuard

import numpy as np

from syncam import config
from syncam._version import __version__
from syncam.atomic import atomic_path
from syncam.errors import SyncamError
from syncam.sigparams import MATCH_VERSION
from syncam.types import Candidate, Clip, Landmarks, Match, Method, Observation, Signature

log = logging.getLogger(__name__)

FORMAT = 1  # bump when the entry layout changes; entries of other formats live in another folder


def default_cache_dir() -> str:
    """$SYNCAM_CACHE_DIR, else $XDG_CACHE_HOME/syncam, else ~/.cache/syncam."""
    override = os.environ.get(config.CACHE_ENV)
    if override:
        return os.path.abspath(os.path.expanduser(override))
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    base = xdg if os.path.isabs(xdg) else os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, config.CACHE_SUBDIR)


@dataclass
class CacheStats:
    """What one cache object did: ``hits`` are signatures read back instead of decoded."""

    hits: int = 0
    misses: int = 0  # computed: absent, stale or corrupt entries
    stale: int = 0  # an entry existed for another version of the clip or other parameters
    corrupt: int = 0  # an entry that could not be read back whole
    writes: int = 0
    write_errors: int = 0
    pair_hits: int = 0  # whole-pair sound searches read back instead of run


class SignatureCache:
    """Signatures on disk under ``directory``, keyed by file identity and signature parameters.

    Implements the ``SignatureCache`` protocol of syncam/pipeline.py. Safe to share between threads and
    processes. A cache that cannot be written only logs a warning: it never fails an alignment.
    """

    def __init__(self, directory: str | None = None) -> None:
        self.directory = os.path.abspath(directory) if directory else default_cache_dir()
        self.root = os.path.join(self.directory, f"signatures-v{FORMAT}")
        self.stats = CacheStats()
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"SignatureCache({self.directory!r})"

    def __getstate__(self) -> dict[str, Any]:
        """What a Dask task carries to its worker (align --scheduler): the place, not the lock."""
        return {k: v for k, v in self.__dict__.items() if k != "_lock"}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()

    def _count(self, **deltas: int) -> None:
        with self._lock:
            for name, d in deltas.items():
                setattr(self.stats, name, getattr(self.stats, name) + d)

    @staticmethod
    def _ident(clip: Clip, method: Method, params: dict[str, Any]) -> dict[str, Any]:
        return {"path": os.path.realpath(clip.path), "method": Method(method).value,
                "params": json.loads(json.dumps(params, sort_keys=True, default=str)),
                "version": __version__}

    def entry_path(self, clip: Clip, method: Method, params: dict[str, Any]) -> str:
        """Where the entry of this clip, method and parameters lives (whether or not it exists)."""
        key = hashlib.sha256(json.dumps(self._ident(clip, method, params), sort_keys=True)
                             .encode("utf-8")).hexdigest()
        return os.path.join(self.root, key[:2], key[2:] + ".npz")

    def get(self, clip: Clip, method: Method, params: dict[str, Any]) -> Signature | None:
        """The cached signature if a whole entry for exactly this file version exists, else None."""
        path = self.entry_path(clip, method, params)
        # the same file: syncam.identity's rule, on the size and mtime probe read for this run
        want = {**self._ident(clip, method, params), "size": clip.size, "mtime": clip.mtime}
        try:
            # our own file object: closed on any error, even one raised half-way through a member
            with open(path, "rb") as fh, np.load(fh, allow_pickle=False) as npz:
                meta = json.loads(str(npz["meta"][()]))
                if {k: meta.get(k) for k in want} != want:
                    self._count(stale=1)
                    log.debug("cache: stale entry for %s", clip.path)
                    return None
                values = npz["values"]
                fine = npz["fine"] if meta["has_fine"] else None
                flow = npz["flow"] if meta.get("has_flow") else None
                marks = ((npz["lm_hashes"], npz["lm_times"]) if meta.get("has_landmarks")
                         else None)
        except (FileNotFoundError, NotADirectoryError):  # no entry (or no cache folder) yet
            return None
        except (OSError, ValueError, KeyError, TypeError, EOFError, zipfile.BadZipFile) as exc:
            self._count(corrupt=1)
            log.warning("%s: unreadable signature cache entry for %s (%s); decoding the clip "
                        "again and rewriting it", path, clip.path, exc)
            return None
        # sound's fine signal is one waveform; motion's is one curve per cell (rows: time)
        fine_ndim = 1 if meta.get("method") == Method.AUDIO.value else 2
        if values.dtype != np.float32 or values.ndim != 1 or (
                fine is not None and (fine.dtype not in (np.float32, np.float16)
                                      or fine.ndim != fine_ndim)) or (
                flow is not None and (flow.dtype != np.float16 or flow.ndim != 2)) or (
                marks is not None and (marks[0].dtype != np.uint32 or marks[1].dtype != np.int32
                                       or marks[0].ndim != 1 or marks[0].shape != marks[1].shape)):
            self._count(corrupt=1)
            log.warning("%s: malformed signature cache entry for %s; decoding the clip again and "
                        "rewriting it", path, clip.path)
            return None
        return Signature(method=Method(meta["method"]), rate=float(meta["rate"]),
                         start=float(meta["start"]), values=values, fine=fine,
                         fine_rate=meta["fine_rate"], fine_start=float(meta["fine_start"]),
                         flow=flow, flow_start=float(meta.get("flow_start", 0.0)),
                         stream=meta.get("stream"),
                         landmarks=None if marks is None else Landmarks(
                             hashes=marks[0], times=marks[1], hop=float(meta["lm_hop"]),
                             frames=int(meta["lm_frames"]), start=float(meta["lm_start"])))

    def put(self, clip: Clip, method: Method, params: dict[str, Any], sig: Signature) -> None:
        """Store ``sig`` for this file version; on failure log a warning and carry on."""
        path = self.entry_path(clip, method, params)
        meta = {**self._ident(clip, method, params), "size": clip.size, "mtime": clip.mtime,
                "rate": sig.rate, "start": sig.start, "fine_rate": sig.fine_rate,
                "fine_start": sig.fine_start, "has_fine": sig.fine is not None,
                "flow_start": sig.flow_start, "has_flow": sig.flow is not None, "stream": sig.stream,
                "has_landmarks": sig.landmarks is not None}
        if sig.landmarks is not None:
            meta.update(lm_hop=sig.landmarks.hop, lm_frames=sig.landmarks.frames,
                        lm_start=sig.landmarks.start)
        arrays: dict[str, Any] = {"meta": np.array(json.dumps(meta)), "values": np.asarray(sig.values)}
        if sig.fine is not None:
            arrays["fine"] = np.asarray(sig.fine)
        if sig.flow is not None:
            arrays["flow"] = np.asarray(sig.flow)
        if sig.landmarks is not None:
            arrays["lm_hashes"] = np.asarray(sig.landmarks.hashes, dtype=np.uint32)
            arrays["lm_times"] = np.asarray(sig.landmarks.times, dtype=np.int32)
        try:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with atomic_path(path) as tmp, open(tmp, "wb") as fh:
                np.savez(fh, **arrays)
        except (OSError, SyncamError) as exc:
            self._count(write_errors=1)
            log.warning("%s: cannot write this signature cache entry (%s); the clip will be decoded "
                        "again next time (see --cache-dir, --no-cache)", path, exc)
            return
        self._count(writes=1)

    def _json_slot(self, kind: str, ident: object) -> str:
        """Where the JSON entry of one kind (probes, pairs) for this identity lives."""
        key = hashlib.sha256(json.dumps(ident, sort_keys=True, default=str).encode("utf-8")
                             ).hexdigest()
        return os.path.join(self.directory, f"{kind}-v{FORMAT}", key[:2], key[2:] + ".json")

    def _probe_path(self, path: str, size: int, mtime: float) -> str:
        return self._json_slot("probes", [os.path.realpath(path), size, mtime, __version__])

    def get_probe(self, path: str, size: int, mtime: float) -> tuple[dict, float | None] | None:
        """What ffprobe said of this version of the file, when it was probed before (a warm re-align
        starts no ffprobe): its description and its first audio sample's time."""
        try:
            with open(self._probe_path(path, size, mtime), encoding="utf-8") as fh:
                doc = json.load(fh)
            if isinstance(doc, dict) and isinstance(doc.get("data"), dict):
                first = doc.get("first_audio")
                return doc["data"], float(first) if isinstance(first, (int, float)) else None
        except (OSError, ValueError):
            pass
        return None

    def put_probe(self, path: str, size: int, mtime: float,
                  facts: tuple[dict, float | None]) -> None:
        """Keep a probe's facts (written atomically; a cache that cannot be written only warns)."""
        try:
            _write_json(self._probe_path(path, size, mtime),
                        {"data": facts[0], "first_audio": facts[1]})
        except OSError as exc:
            log.warning("cache: cannot store the probe of %s (%s)", path, exc)

    def lookup(self, clip: Clip, method: Method, params: dict[str, Any], *,
               need_landmarks: bool = False) -> Signature | None:
        """The cached signature (counted as a hit), or None where :meth:`get_or_compute` would
        compute it: what a task that decodes several clips at once asks first."""
        sig = self.get(clip, method, params)
        if not _serves(sig, need_landmarks):
            return None
        self._count(hits=1)
        return sig

    def get_or_compute(self, clip: Clip, method: Method, params: dict[str, Any],
                       compute: Callable[[], Signature], *,
                       need_landmarks: bool = False) -> Signature:
        """The cached signature, or ``compute()``'s result, stored for next time (in place of a
        cached one without the landmarks that ``need_landmarks`` asks for)."""
        sig = self.lookup(clip, method, params, need_landmarks=need_landmarks)
        if sig is not None:
            log.debug("cache: hit for %s", clip.path)
            return sig
        self._count(misses=1)
        sig = compute()
        self.put(clip, method, params, sig)
        return sig

    def _match_path(self, a: tuple[Clip, dict[str, Any]], b: tuple[Clip, dict[str, Any]],
                    search: dict[str, Any]) -> str:
        ident = [[self.entry_path(clip, Method.AUDIO, params), clip.size, clip.mtime]
                 for clip, params in (a, b)]
        return self._json_slot("pairs", [ident, search, MATCH_VERSION, __version__])

    def get_or_match(self, a: tuple[Clip, dict[str, Any]], b: tuple[Clip, dict[str, Any]],
                     search: dict[str, Any], ids: tuple[int, int],
                     compute: Callable[[], list[Match]]) -> list[Match]:
        """The matches of one pair's whole sound search (clip and signature parameters of each side,
        the search's settings), from the cache when this pair was searched so before, else
        ``compute()``'s, stored for next time. ``ids``: the clips' indices in this run."""
        path = self._match_path(a, b, search)
        try:
            with open(path, encoding="utf-8") as fh:
                found = [match_from_json(doc, *ids) for doc in json.load(fh)]
            self._count(pair_hits=1)
            return found
        except (FileNotFoundError, NotADirectoryError):
            pass
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            self._count(corrupt=1)
            log.warning("%s: unreadable pair cache entry (%s); searching the pair again", path, exc)
        found = compute()
        try:
            _write_json(path, [match_to_json(m) for m in found])
        except (OSError, SyncamError) as exc:
            self._count(write_errors=1)
            log.warning("%s: cannot write this pair cache entry (%s); the pair will be searched "
                        "again next time", path, exc)
        return found


def _serves(sig: Signature | None, need_landmarks: bool) -> TypeGuard[Signature]:
    """Whether a cached signature serves a run: one without landmarks does not where they are asked
    for (it was made for an event that searched every pair), and is made again."""
    return sig is not None and (sig.landmarks is not None or not need_landmarks)


def _write_json(path: str, doc: object) -> None:
    """Write a JSON cache entry atomically (its folder made); raises OSError or SyncamError."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8") as fh:
        json.dump(doc, fh)


def match_to_json(m: Match) -> dict[str, Any]:
    """A match as JSON, without the clip indices of the run that found it (floats round-trip
    exactly)."""
    doc = dataclasses.asdict(m)
    del doc["a"], doc["b"]
    doc["method"] = m.method.value
    return doc


def match_from_json(doc: dict[str, Any], a: int, b: int) -> Match:
    """The inverse of :func:`match_to_json` for clips ``a`` and ``b`` of this run; raises KeyError,
    TypeError or ValueError on a malformed entry (a field Match has not, or one it needs missing)."""
    fields = dict(doc)
    fields["method"] = Method(fields["method"])
    fields["observations"] = tuple(Observation(**o) for o in fields["observations"])
    fields["candidates"] = tuple(Candidate(**c) for c in fields["candidates"])
    fields["support"] = tuple(fields["support"])
    return Match(a=a, b=b, **fields)


class KeepingCache:
    """Keeps every signature it hands out in memory, in front of an optional on-disk cache: what
    ``align --report`` passes to align and then to the report, which so decodes nothing twice."""

    def __init__(self, inner: SignatureCache | None = None) -> None:
        self.inner = inner
        self._kept: dict[tuple[str, str], Signature] = {}
        self._lock = threading.Lock()

    def get_probe(self, path: str, size: int, mtime: float) -> tuple[dict, float | None] | None:
        return self.inner.get_probe(path, size, mtime) if self.inner else None

    def put_probe(self, path: str, size: int, mtime: float,
                  facts: tuple[dict, float | None]) -> None:
        if self.inner:
            self.inner.put_probe(path, size, mtime, facts)

    def get_or_match(self, a: tuple[Clip, dict[str, Any]], b: tuple[Clip, dict[str, Any]],
                     search: dict[str, Any], ids: tuple[int, int],
                     compute: Callable[[], list[Match]]) -> list[Match]:
        return (self.inner.get_or_match(a, b, search, ids, compute) if self.inner
                else compute())

    def lookup(self, clip: Clip, method: Method, params: dict[str, Any], *,
               need_landmarks: bool = False) -> Signature | None:
        key = (os.path.realpath(clip.path), Method(method).value)
        with self._lock:
            sig = self._kept.get(key)
        if _serves(sig, need_landmarks):
            return sig
        sig = self.inner.lookup(clip, method, params, need_landmarks=need_landmarks) \
            if self.inner else None
        if sig is not None:
            with self._lock:
                self._kept[key] = sig
        return sig

    def get_or_compute(self, clip: Clip, method: Method, params: dict[str, Any],
                       compute: Callable[[], Signature], *,
                       need_landmarks: bool = False) -> Signature:
        key = (os.path.realpath(clip.path), Method(method).value)
        with self._lock:
            sig = self._kept.get(key)
        if not _serves(sig, need_landmarks):
            sig = (self.inner.get_or_compute(clip, method, params, compute,
                                             need_landmarks=need_landmarks) if self.inner
                   else compute())
            with self._lock:
                self._kept[key] = sig
        return sig
