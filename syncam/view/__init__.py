"""syncam view: every camera of an aligned event in sync in a browser, from a local server.

``build`` turns a manifest into the page and the table of files (proxies made where a browser cannot
play the original); ``server.ViewServer`` sends them on 127.0.0.1.
"""

from syncam.view.build import View, build
from syncam.view.server import ViewServer

__all__ = ["View", "ViewServer", "build"]
