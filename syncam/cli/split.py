"""``syncam split``: a released compilation -> its cameras' shots, ready to align."""

from __future__ import annotations

import click

from syncam.cli import FOLDER, PATH, ProgressBar, handle_errors, main


@main.command("split", short_help="Cut a released compilation into its cameras' shots.")
@click.argument("release", type=PATH)
@click.option("-o", "--output", type=FOLDER, required=True,
              help="Folder for the shots: one folder per camera (cam01, cam02, ... in order of "
                   "first appearance) and shots.json.")
@click.option("--force", is_flag=True, help="Replace OUTPUT if it exists and is not empty.")
@handle_errors
def split_cmd(release: str, output: str, force: bool) -> None:
    """Find every cut of RELEASE (hard cuts, dissolves, fades), leave out what no camera filmed
    (title cards, black, stills), remove black bars, group the shots into cameras by their view, and
    write each camera's shots into OUTPUT/camNN/. Sound laid over several shots (a voice-over, a
    music bed) is not written with them: align must not take it for the cameras' own.

    \b
    Then: syncam align OUTPUT -o manifest.json && syncam render manifest.json -o event.mp4
    Needs syncam[split] (PySceneDetect).
    """
    from syncam.split import split

    bar = ProgressBar()
    try:
        done = split(release, output, force=force, progress=bar)
    finally:
        bar.close()
    rows = [("shot", "frames", "seconds", "kind", "camera", "sound")]
    for s in done.shots:
        rows.append((str(s.index), f"{s.first_frame}-{s.last_frame}", f"{s.start:.3f}-{s.end:.3f}",
                     s.kind, s.camera or "-", s.audio))
    widths = [max(len(r[k]) for r in rows) for k in range(6)]
    for r in rows:
        click.echo("  ".join(r[k].ljust(widths[k]) for k in range(6)).rstrip())
    click.echo(f"{len(done.shots)} shots, {len(done.cameras)} cameras: {done.listing}")
    click.echo(f"next: syncam align {output} -o {output.rstrip('/')}/manifest.json")
