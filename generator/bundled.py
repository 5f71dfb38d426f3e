"""Where mindreel's own templates, catalogue, rules and starter files are.

The top-level ``templates/`` and ``data/`` folders are the source of truth. pyproject.toml
maps them to the packages ``generator.templates`` and ``generator.data``, so a wheel
carries them as package data and an editable install resolves the same names to the
folders themselves; nothing is duplicated in git and no path is guessed from this file.
The packages are located, not imported, so nothing is compiled into those folders.
"""

from __future__ import annotations

from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path

STARTER = Path(__file__).resolve().parent / "starter"
"""schedule.yaml for ``mindreel init`` and the ``--empty`` catalogue (package data)."""


def _folder(package: str) -> Path:
    spec = find_spec(package)
    locations = list(spec.submodule_search_locations or []) if spec else []
    if not locations:
        raise RuntimeError(f"this mindreel is installed without {package}; reinstall it "
                           "(pip install mindreel, or pip install -e . in a checkout)")
    return Path(locations[0])


@lru_cache(maxsize=1)
def templates_dir() -> Path:
    """mindreel's default templates; a site's own ``templates/`` overrides them per file."""
    return _folder("generator.templates")


@lru_cache(maxsize=1)
def data_dir() -> Path:
    """The bundled catalogue and safety rules."""
    return _folder("generator.data")
