"""``syncam report``: the evidence of an alignment as one self-contained HTML page."""

from __future__ import annotations

import os

import click

from syncam import config
from syncam.cli import ProgressBar, handle_errors, main


def default_output(manifest_path: str) -> str:
    """event.json -> event.html, beside the manifest."""
    return os.path.splitext(manifest_path)[0] + ".html"


@main.command("report", short_help="Write the evidence of an alignment as one HTML page.")
@click.argument("manifest_path", metavar="MANIFEST", type=click.Path())
@click.option("-o", "--output", type=click.Path(), help="HTML page to write (default: the "
              "manifest's name with .html).")
@click.option("--instants", type=click.IntRange(*config.REPORT_INSTANTS_RANGE),
              default=config.REPORT_INSTANTS, show_default=True,
              help="Rows of the contact sheet: timeline instants at which every camera is shown.")
@click.option("--title", help="Heading of the page (default: the manifest's folder name).")
@click.option("--no-cache", is_flag=True, help="Neither read nor write the signature cache.")
@click.option("--cache-dir", type=click.Path(file_okay=False), help=f"Signature cache folder "
              f"(default: ${config.CACHE_ENV}, else $XDG_CACHE_HOME/syncam, else ~/.cache/syncam).")
@handle_errors
def report_cmd(manifest_path: str, output: str | None, instants: int, title: str | None,
               no_cache: bool, cache_dir: str | None) -> None:
    """Write an HTML page showing how, and how surely, every clip of MANIFEST was placed.

    Works from the manifest and its clips; needs the syncam[report] extra (Jinja2).
    """
    from syncam.cache import SignatureCache
    from syncam.report import report  # the extra's packages are imported only here

    bar = ProgressBar()
    try:
        result = report(manifest_path, output or default_output(manifest_path), instants=instants,
                        title=title, cache=None if no_cache else SignatureCache(cache_dir),
                        progress=bar)
    finally:
        bar.close()
    click.echo(f"report: {result.output}")
