"""Clocks burned into the picture (CCTV, dashcams, bodycams): find, read, fit, place.

* :mod:`syncam.clock.parse` - date/time text -> seconds, and the format it was written in (pure);
* :mod:`syncam.clock.fit` - clock rules, segments and the line clip time -> clock time (pure);
* :mod:`syncam.clock.find` - where the text is and which pixels turn over once a second (numpy);
* :mod:`syncam.clock.ocr` - the bootstrap reads (Tesseract, the ``syncam[clock]`` extra);
* :mod:`syncam.clock.glyphs` - the clip's own digit templates, matched on every frame (OpenCV);
* :mod:`syncam.clock.read` - one clip end to end, decoding only the clock's region in ffmpeg.

How the clocks place clips on the timeline is :mod:`syncam.sync.clocks` (pure).
"""
