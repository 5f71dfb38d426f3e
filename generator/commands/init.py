"""``mindreel init``: start a newsletter in a folder that builds as it is.

It writes a commented schedule.yaml and a data/ folder: mindreel's catalogue, or with
``--empty`` one example of each kind of record to copy. ``--templates`` copies mindreel's
templates into templates/ for customising; in a folder that already has a schedule it
copies only those. The safety rules are not copied: the bundled rules apply until a site
adds its own, so an upgrade's rules reach every site.

Whole or nothing: every target is checked first and nothing that exists is overwritten;
if a write fails, what this run wrote is removed again.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import click

from generator import bundled
from generator.catalogue import FILES
from generator.errors import BadInput, CannotWrite, Problem
from generator.safety.rules import EXCEPTIONS_FILE

SCHEDULE = "schedule.yaml"
TEMPLATE_SUFFIXES = (".j2", ".css", ".js")
# The starter schedule lists every region of the bundled catalogue; the --empty
# catalogue has one region (and the international directory every catalogue needs).
ALL_REGIONS = "  regions: [KR, US, GB, IE, CA, AU, NZ, JP, SG, IN, PH]"
EMPTY_REGIONS = "  regions: [KR]"


def starter_schedule(empty: bool) -> bytes:
    """The commented schedule.yaml ``init`` writes."""
    text = (bundled.STARTER / SCHEDULE).read_text("utf-8")
    if ALL_REGIONS not in text:  # pragma: no cover (a test pins the starter's text)
        raise RuntimeError("the starter schedule.yaml lost its audience.regions line")
    return (text.replace(ALL_REGIONS, EMPTY_REGIONS) if empty else text).encode("utf-8")


def catalogue_files(empty: bool) -> dict[str, bytes]:
    """data/ for a new site: the bundled catalogue and its exceptions, or the examples."""
    source = bundled.STARTER / "empty" if empty else bundled.data_dir()
    names = [f"{name}.yaml" for name in FILES] + ([] if empty else [EXCEPTIONS_FILE])
    return {f"data/{name}": (source / name).read_bytes() for name in names}


def template_files() -> dict[str, bytes]:
    """mindreel's templates, as ``templates/<channel>/<file>``."""
    root = bundled.templates_dir()
    return {
        f"templates/{path.relative_to(root).as_posix()}": path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and path.suffix in TEMPLATE_SUFFIXES
    }


def init_files(folder: Path, empty: bool, templates: bool) -> dict[str, bytes]:
    """What ``init`` writes into ``folder``, by relative path."""
    files: dict[str, bytes] = {}
    if not (templates and (folder / SCHEDULE).exists()):
        files[SCHEDULE] = starter_schedule(empty)
        files.update(catalogue_files(empty))
    if templates:
        files.update(template_files())
    return files


def write_new(folder: Path, files: dict[str, bytes]) -> None:
    """Write every file, none of which may exist; on a failure remove what was written."""
    existing = sorted(rel for rel in files if (folder / rel).exists())
    if existing:
        shown = ", ".join(existing[:4]) + (f" and {len(existing) - 4} more" if len(existing) > 4
                                           else "")
        raise BadInput([Problem(str(folder), 0, "", f"already has {shown}; init never "
                                "overwrites a file (move them away, or init another folder)")])
    made: list[Path] = []
    try:
        for rel, data in files.items():
            path = folder / rel
            for parent in reversed(path.relative_to(folder).parents):
                target = folder / parent
                if not target.exists():
                    target.mkdir(parents=True)
                    made.append(target)
            with path.open("xb") as out:
                made.append(path)
                out.write(data)
    except OSError as exc:
        for path in reversed(made):
            with contextlib.suppress(OSError):
                path.rmdir() if path.is_dir() else path.unlink()
        raise CannotWrite.from_os_error(exc) from None


def run_init(folder: Path, empty: bool, templates: bool) -> None:
    files = init_files(folder, empty, templates)
    write_new(folder, files)
    data = sum(rel.startswith("data/") for rel in files)
    copied = sum(rel.startswith("templates/") for rel in files)
    parts = []
    if SCHEDULE in files:
        kind = "one example of each kind of record" if empty else "mindreel's catalogue"
        parts.append(f"{SCHEDULE} and data/ ({data} files: {kind})")
    if copied:
        parts.append(f"templates/ ({copied} templates: each one you keep overrides "
                     "mindreel's; delete those you do not change, so upgrades reach them)")
    is_here = folder.resolve() == Path.cwd().resolve()
    click.echo(f"wrote {' and '.join(parts)} {'here' if is_here else f'in {folder}'}")
    here = "" if is_here else f"cd {folder}, then "
    if SCHEDULE in files:
        click.echo(f"next: put your own addresses under `site` and `email` in {SCHEDULE}; "
                   f"{here}`mindreel build` writes this week's edition and "
                   "`mindreel preview` shows it")
