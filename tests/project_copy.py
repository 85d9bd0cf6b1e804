"""A private copy of the project (sources, not the venv) that a test may edit and
build, so editors' mistakes can be made on purpose and their messages checked."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

from site_server import ROOT

PARTS = ("mkdocs.yml", "pyproject.toml", "docs", "macros", "checks", "overrides")


def copy_project(dest: Path) -> Path:
    dest.mkdir(parents=True)
    for part in PARTS:
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, dest / part, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, dest / part)
    (dest / "node_modules").symlink_to(ROOT / "node_modules")
    (dest / ".venv").mkdir()
    (dest / ".venv" / "wheels").symlink_to(ROOT / ".venv" / "wheels")   # the checker's dependencies
    return dest


def build(project: Path, out: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(out)],
                          cwd=project, capture_output=True, text=True, env=env)
