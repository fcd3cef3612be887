"""``syncam export``: a manifest as an editor's timeline (.otio .fcpxml .xml .edl .aaf)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from syncam import config
from syncam.cli import handle_errors, main

if TYPE_CHECKING:
    from syncam.export import ExportResult


def export_summary(result: ExportResult) -> str:
    lines = [f"exported {path}" for path in result.paths]
    lines.append(f"  {len(result.tracks)} camera track(s): {', '.join(result.tracks)}")
    if result.unplaced:
        lines.append(f"  on the track '{config.EXPORT_UNPLACED_TRACK}': {', '.join(result.unplaced)}")
    return "\n".join(lines)


@main.command("export", short_help="Write a manifest as an editor's timeline (OTIO, FCPXML, EDL...).")
@click.argument("manifest_path", metavar="MANIFEST", type=click.Path())
@click.option("-o", "--output", required=True, type=click.Path(),
              help=f"Timeline file; its extension picks the format: {' '.join(config.EXPORT_FORMATS)}"
                   " (.edl writes OUT.<camera>.edl per camera).")
@click.option("--relative", is_flag=True, help="Media paths relative to the output's folder "
              "(default: absolute), for a folder moved whole to another machine.")
@handle_errors
def export_cmd(manifest_path: str, output: str, relative: bool) -> None:
    """Write MANIFEST (from 'syncam align') as a timeline for Resolve, Premiere, Final Cut, Avid,
    Kdenlive: one track per camera, its takes at their places. Needs syncam[export]."""
    from syncam.export import export  # the manifest reader and the writers: only here

    click.echo(export_summary(export(manifest_path, output, relative=relative)))
