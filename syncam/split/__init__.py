"""``syncam split``: a released compilation (shots from several cameras cut together) -> each
camera's shots as files in camera folders, ready for ``syncam align``.

    cuts.py   hard cuts (PySceneDetect AdaptiveDetector) and dissolves/fades (blend fit)
    kinds.py  shots no camera filmed: black, title cards, stills
    bars.py   letterbox/pillarbox bars (ffmpeg cropdetect)
    group.py  shots -> cameras (ORB keypoints, RANSAC homography, frame geometry)
    sound.py  whose sound a shot carries (own, laid over, none)
    run.py    the whole job, and the files it writes
"""

from syncam.split.run import Shot, Split, split

__all__ = ["Shot", "Split", "split"]
