"""What a cached signature was made with: its kind's version and the settings that shape it.

A signature cache entry is found by these (syncam/cache.py); any change here makes every stored
signature of that kind stale, so the next run decodes again. Kept apart from syncam/pipeline.py so
that ``syncam report`` can look signatures up without importing the aligner (and scipy with it).
"""

from __future__ import annotations

from typing import Any

from syncam import config
from syncam.types import Method

# The parameters that change each kind of signature (the cache key); bump a version when its
# algorithm changes (audio 3: short-time whitened sound, the stream chosen per clip; audio 4: with
# landmark fingerprints; motion 3: optical flow for the sub-frame stage).
SIGNATURE_PARAMS: dict[Method, dict[str, Any]] = {
    Method.AUDIO: {"audio_version": 4, "audio_rate": config.AUDIO_RATE,
                   "long_scan_rate": config.LONG_SCAN_RATE, "whiten_frame": config.WHITEN_FRAME,
                   "whiten_low": config.WHITEN_LOW, "whiten_gate": config.WHITEN_GATE,
                   "landmarks": [config.LANDMARK_FRAME, config.LANDMARK_HOP,
                                 list(config.LANDMARK_BAND), config.LANDMARK_PEAK_FRAMES,
                                 config.LANDMARK_PEAK_BINS, config.LANDMARK_PROMINENCE,
                                 config.LANDMARK_LEVEL_FRAMES, config.LANDMARK_FLOOR,
                                 config.LANDMARK_FANOUT, config.LANDMARK_MAX_DT,
                                 config.LANDMARK_MAX_DF, config.LANDMARK_HASH_BITS]},
    Method.MOTION: {"motion_version": 3, "motion_size": list(config.MOTION_SIZE),
                    "motion_scaler": config.MOTION_SCALER, "motion_grid": list(config.MOTION_GRID),
                    "motion_rate": config.MOTION_RATE, "motion_baseline": config.MOTION_BASELINE,
                    "motion_smooth": config.MOTION_SMOOTH, "motion_fine_rate": config.MOTION_FINE_RATE,
                    "motion_fine_grid": list(config.MOTION_FINE_GRID),
                    "motion_light_floor": config.MOTION_LIGHT_FLOOR,
                    "motion_light_clip": config.MOTION_LIGHT_CLIP,
                    "motion_still": config.MOTION_STILL,
                    "motion_flow_span": config.MOTION_FLOW_SPAN,
                    "motion_flow_params": list(config.MOTION_FLOW_PARAMS)},
}

# What a cached pair search (syncam/cache.py, ``get_or_match``) was made with besides the two
# signatures: bump when sync/correlate.py's whole-pair search gives other matches for the same input.
MATCH_VERSION = 1
