"""A real install: build the wheel, install it (not editable) into a fresh venv, and start a
newsletter with it in an empty folder, far from the source checkout.

The fresh venv (without pip: this run's pip installs into it) gets mindreel from the
wheel alone (``--no-deps --no-index``); its
dependencies come from this test run's own environment through a ``.pth`` line, so the
test needs no network and takes seconds. A ``.pth`` line adds a folder to ``sys.path``
without running the ``.pth`` files inside it, so the editable install of this checkout
is not visible there: the test asserts that mindreel is imported from the wheel.
"""

from __future__ import annotations

import os
import shutil
import site
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from tests.conftest import BUNDLED_NOW_TEXT, REPO

pytestmark = pytest.mark.slow
WEEK = "2026-W50"  # the next edition to go out at BUNDLED_NOW (Tue 1 Dec 2026 in Seoul)
BUILD_INPUTS = ("pyproject.toml", "README.md", "generator", "templates", "data")


def run(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    result = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 0, f"{args}:\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel, built from a copy of the sources (the checkout gets no build/ folder)."""
    source = tmp_path_factory.mktemp("source")
    for name in BUILD_INPUTS:
        src = REPO / name
        if src.is_dir():
            shutil.copytree(src, source / name,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(src, source / name)
    dist = tmp_path_factory.mktemp("dist")
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", dist, source, cwd=source)
    (found,) = dist.glob("mindreel-*.whl")
    return found


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with mindreel installed from the wheel; returns its bin folder."""
    root = tmp_path_factory.mktemp("venv")
    run(sys.executable, "-m", "venv", "--without-pip", root, cwd=root)  # seconds faster
    python = root / "bin" / "python"
    purelib = Path(run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])",
                       cwd=root).strip())
    ours = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"],
            *site.getsitepackages()}
    (purelib / "_test_dependencies.pth").write_text("\n".join(sorted(ours)) + "\n", "utf-8")
    run(sys.executable, "-m", "pip", "--python", python, "install", "-q", "--no-deps",
        "--no-index", wheel, cwd=root)
    return root / "bin"


def test_the_wheel_carries_every_module_template_and_data_file(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    modules = {str(p.relative_to(REPO)) for p in (REPO / "generator").rglob("*.py")}
    assert modules <= names, sorted(modules - names)
    for folder, package in (("templates", "generator/templates"), ("data", "generator/data")):
        files = {p.relative_to(REPO / folder).as_posix() for p in (REPO / folder).rglob("*")
                 if p.is_file() and "__pycache__" not in p.parts}
        assert {f"{package}/{f}" for f in files} <= names, folder
    assert "generator/starter/schedule.yaml" in names
    assert "generator/channels/social/platforms.yaml" in names
    assert not any("__pycache__" in n or n.endswith(".pyc") for n in names)
    assert not any(n.startswith(("templates/", "data/", "tests/")) for n in names)


def test_init_and_build_with_the_installed_wheel(venv: Path, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(MINDREEL_NOW=BUNDLED_NOW_TEXT, PATH=f"{venv}{os.pathsep}{env.get('PATH', '')}")
    where = run(venv / "python", "-c",
                "import generator, generator.bundled as b; print(generator.__file__); "
                "print(b.templates_dir()); print(b.data_dir())", cwd=tmp_path, env=env)
    site_packages = Path(where.splitlines()[0]).parent.parent
    assert site_packages.is_relative_to(venv.parent), where  # the wheel, not this checkout
    assert all(Path(p).is_relative_to(site_packages) for p in where.splitlines()[1:]), where

    empty = tmp_path / "empty"
    empty.mkdir()
    out = run(venv / "mindreel", "init", cwd=empty, env=env)
    assert out.startswith("wrote schedule.yaml and data/")
    out = run(venv / "mindreel", "build", cwd=empty, env=env)
    assert out.startswith(f"{WEEK}: wrote ") and "mindreel preview" in out
    edition = empty / "outbox" / WEEK
    text = (edition / "email.txt").read_text("utf-8")
    assert "My mindreel" in text and "109" in text
    for name in ("email.html", "email.eml", "article.html", "manifest.json"):
        assert (edition / name).is_file(), name
    assert (empty / "outbox" / "index.html").is_file()
    check = run(venv / "mindreel", "check", cwd=empty, env=env)
    assert check.startswith("ok: ")
