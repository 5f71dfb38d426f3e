"""Load schedule.yaml and the catalogue together and check what links them.

Regions in the schedule must have helplines; pins must name features that exist and
are in rotation. Problems from every file are reported at once, but only root causes: a
missing schedule.yaml is the one error (with how to start one), and a schedule that does
not validate never adds "file not found" errors for a data folder it did not name.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generator.catalogue import FILES, Catalogue, load_catalogue
from generator.config import Config, load_config
from generator.errors import BadInput, Problem
from generator.locale_text import Demand, check_site_locales
from generator.yamlsource import load_yaml


class NoSchedule(BadInput):
    """There is no schedule.yaml where we looked: the one thing to say, with the way out."""

    def __init__(self, path: Path) -> None:
        super().__init__([Problem(str(path), 0, "", "not found")])
        self.path = path

    def report(self) -> str:
        looked = _absolute(self.path)
        return (f"{self.path}: not found (looked for {looked}); to start a newsletter in "
                f"{looked.parent}, run `mindreel init`, or pass --config with the path of "
                "your schedule.yaml")


def _absolute(path: Path) -> Path:
    try:
        return path.absolute()
    except OSError:  # the working folder itself is gone
        return path


@dataclass(frozen=True)
class Project:
    """A validated schedule and catalogue: the only inputs a build reads."""

    config: Config
    catalogue: Catalogue


def load_project(config_path: Path, outbox: Path | None = None) -> Project:
    """Load and cross-check everything; raise ``BadInput`` listing every problem."""
    if not _is_file(config_path):
        raise NoSchedule(config_path)
    problems: list[Problem] = []
    config: Config | None = None
    catalogue: Catalogue | None = None
    try:
        config = load_config(config_path, outbox)
    except BadInput as exc:
        problems += exc.problems
    data_dir: Path | None
    if config is not None:
        data_problems = _data_folder(config)
        problems += data_problems + _folders(config)
        data_dir = None if data_problems else config.data_dir
        problems += check_site_locales(config.doc, config.settings.locales)
    else:
        data_dir = _named_data_folder(config_path)
    if data_dir is not None:
        try:
            catalogue = load_catalogue(data_dir, demand=_demand(config))
        except BadInput as exc:
            problems += exc.problems
    if config is None or catalogue is None:
        raise BadInput(problems)
    problems += _cross_check(config, catalogue)
    if problems:
        raise BadInput(problems)
    return Project(config, catalogue)


def _demand(config: Config | None) -> Demand | None:
    """The locales a valid schedule builds, each with its audience's regions (None when
    the schedule is invalid: which locales it wants is then unknown)."""
    if config is None:
        return None
    settings = config.settings
    return Demand(config.doc.name, {
        code: frozenset(settings.audiences.get(code, settings.audience).regions)
        for code in settings.locales})


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False


def _named_data_folder(config_path: Path) -> Path | None:
    """The data folder an invalid schedule.yaml names, if it holds every catalogue file.

    Its problems are still worth reporting with the schedule's; a folder that is missing
    or incomplete is not, since the schedule's own error may be why (a typo elsewhere
    in the file must not turn into five "file not found" lines).
    """
    doc = load_yaml(config_path)
    named = doc.data.get("data", "data") if isinstance(doc.data, dict) else "data"
    if not isinstance(named, str):
        return None
    folder = config_path.parent / named
    if _is_dir(folder) and all(_is_file(folder / f"{name}.yaml") for name in FILES):
        return folder
    return None


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except (OSError, ValueError):  # a name too long for the filesystem, a NUL in it
        return False


def _data_folder(config: Config) -> list[Problem]:
    """``data`` must name a folder holding every catalogue file (a ``file:line`` problem
    in schedule.yaml, rather than one "file not found" per missing file)."""
    doc, folder = config.doc, config.data_dir
    if not _is_dir(folder):
        return [Problem(doc.name, doc.line_of(("data",)), "data", f"no folder {folder}")]
    missing = [f"{name}.yaml" for name in FILES if not (folder / f"{name}.yaml").is_file()]
    if missing:
        return [Problem(doc.name, doc.line_of(("data",)), "data",
                        f"{folder} has no {', '.join(missing)}")]
    return []


def _folders(config: Config) -> list[Problem]:
    """The templates folder must exist and the outbox must not be a file: caught here they
    are a ``file:line`` problem, not a traceback halfway through a build."""
    doc, problems = config.doc, []
    # Without a `templates` key a site needs no folder: mindreel's own templates apply.
    named = "templates" in config.settings.model_fields_set
    if named and not _is_dir(config.templates_dir):
        problems.append(Problem(doc.name, doc.line_of(("templates",)), "templates",
                                f"no folder {config.templates_dir}"))
    try:
        wrong = config.outbox.exists() and not config.outbox.is_dir()
        what = f"{config.outbox} is a file, not a folder"
    except (OSError, ValueError) as exc:
        wrong, what = True, f"cannot use {config.outbox}: {getattr(exc, 'strerror', None) or exc}"
    if wrong:
        overridden = config.outbox != config.root / config.settings.outbox
        problems.append(Problem("--outbox", 0, "", what) if overridden
                        else Problem(doc.name, doc.line_of(("outbox",)), "outbox", what))
    return problems


def _cross_check(config: Config, catalogue: Catalogue) -> list[Problem]:
    settings, doc = config.settings, config.doc
    problems = []
    audiences: list[tuple[tuple[str, ...], list[str]]] = [
        (("audience",), settings.audience.regions)]
    audiences += [(("audiences", code), a.regions) for code, a in settings.audiences.items()]
    for where, regions in audiences:
        for index, region in enumerate(regions):
            if catalogue.region(region) is None:
                problems.append(
                    Problem(
                        doc.name,
                        doc.line_of((*where, "regions", index)),
                        ".".join(where) + f".regions[{index}]",
                        f"no helplines for region {region!r} in data/helplines.yaml",
                    )
                )
    for week, feature in settings.pins.items():
        at = ("pins", week)
        film = catalogue.film(feature)
        if film is None and catalogue.theme(feature) is None:
            problems.append(
                Problem(
                    doc.name,
                    doc.line_of(at),
                    f"pins.{week}",
                    f"pin to unknown film or theme {feature!r}",
                )
            )
        elif film is not None and not film.in_rotation:
            problems.append(
                Problem(
                    doc.name,
                    doc.line_of(at),
                    f"pins.{week}",
                    f"{feature!r} is out of rotation in data/films.yaml",
                )
            )
    rotating_films = [f for f in catalogue.films if f.in_rotation]
    if "film" in settings.rotation.pattern and not rotating_films:
        problems.append(
            Problem(
                doc.name,
                doc.line_of(("rotation", "pattern")),
                "rotation.pattern",
                "the pattern asks for films but no film is in rotation",
            )
        )
    return problems
