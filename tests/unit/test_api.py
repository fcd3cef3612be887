"""The public API is what __all__ says; changing it is a deliberate act."""

import syncam


def test_public_names_are_pinned() -> None:
    assert sorted(syncam.__all__) == sorted([
        "BatchResult", "Clip", "ClipEntry", "EventResult", "FFmpegError", "FFmpegMissing", "Job",
        "Manifest", "ManifestError", "Match", "MatchEntry", "MediaError", "Method", "Placement",
        "Progress", "RenderOptions", "RenderResult", "Settings", "Signature", "SignatureCache",
        "Solution", "Status", "SyncamError", "UsageError", "__version__", "align", "batch",
        "load_manifest", "probe", "render"])
    for name in syncam.__all__:
        assert hasattr(syncam, name), name


def test_errors_form_one_tree() -> None:
    for cls in (syncam.MediaError, syncam.UsageError, syncam.FFmpegError, syncam.FFmpegMissing,
                syncam.ManifestError):
        assert issubclass(cls, syncam.SyncamError)
