"""``syncam view``: every camera of an aligned event, in sync, in the browser; nothing is rendered."""

from __future__ import annotations

import os
import sys
import threading

import click

from syncam import config
from syncam.cli import ProgressBar, handle_errors, main


@main.command("view", short_help="Watch every camera in sync in a browser.")
@click.argument("manifest_path", metavar="MANIFEST", type=click.Path())
@click.option("--port", type=click.IntRange(0, 65535), default=config.VIEW_PORT, show_default=True,
              help="Port on 127.0.0.1 to serve on (0: a free one).")
@click.option("--no-browser", is_flag=True, help="Only print the address; do not open a browser.")
@click.option("--proxy-size", type=click.IntRange(*config.VIEW_PROXY_HEIGHT_RANGE),
              default=config.VIEW_PROXY_HEIGHT, show_default=True,
              help="Height in lines of the proxies made for clips a browser cannot play.")
@click.option("--cache-dir", type=click.Path(file_okay=False), help=f"Where proxies are kept "
              f"(default: ${config.CACHE_ENV}, else $XDG_CACHE_HOME/syncam, else ~/.cache/syncam).")
@handle_errors
def view_cmd(manifest_path: str, port: int, no_browser: bool, proxy_size: int,
             cache_dir: str | None) -> None:
    """Serve MANIFEST's clips and a page that plays them all in sync, on 127.0.0.1 until Ctrl-C.

    Clips Chromium and Firefox play (H.264/AAC MP4 and MOV, VP8/VP9/AV1 WebM) are sent as they are;
    the others get an H.264 proxy once, kept in the cache folder.
    """
    import webbrowser

    from syncam.errors import SyncamError
    from syncam.view import ViewServer, build

    bar = ProgressBar()
    try:
        view = build(manifest_path, proxy_height=proxy_size, cache_dir=cache_dir, progress=bar)
    finally:
        bar.close()
    try:
        server = ViewServer(view.page, view.files, port)
    except OSError as exc:
        raise SyncamError(f"port {port}: cannot listen on 127.0.0.1 ({exc.strerror}); give another "
                          "--port, or 0 for a free one", option="port") from None
    proxied = [s for s in view.served if s.proxy_reason]
    for s in proxied:
        click.echo(f"proxy: {view.names[s.index]} ({s.proxy_reason})", err=True)
    click.echo(server.url)
    graphical = not sys.platform.startswith("linux") or bool(
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    if not no_browser and not graphical:  # webbrowser would start a text browser in this terminal
        click.echo("view: no display here; open the address above in a browser", err=True)
    elif not no_browser:  # a browser that takes its time to start must not delay serving
        threading.Thread(target=webbrowser.open, args=(server.url,), daemon=True).start()
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:  # Ctrl-C or SIGTERM (syncam.interrupt): the usual way to stop a server
        click.echo("view: stopped", err=True)
    finally:
        server.server_close()
