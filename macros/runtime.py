"""Package the checker for the browser: the `checks` wheel, built from the same
source the tests use, the pure-Python wheels it depends on (pyproject.toml's
`dependencies`, fetched from PyPI by `make setup` into .venv/wheels), and the
Pyodide runtime files from the pinned npm package, with a pyodide-lock.json that
lists those wheels (with their sha256) and nothing else.

This does what `pyodide lockfile add-wheels` does, with the standard library, so
`mkdocs serve` can rebuild it on every change without a Python 3.12 toolchain.

    python macros/runtime.py fetch-wheels   # download the dependencies' wheels (make setup)
"""
from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYODIDE_NPM = ROOT / "node_modules" / "pyodide"
WHEELS = ROOT / ".venv" / "wheels"     # the dependencies' wheels, as downloaded from PyPI
RUNTIME_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip")
_FIXED_TIME = (2020, 1, 1, 0, 0, 0)  # same bytes for the same source: stable sha256, cacheable


def checks_version() -> str:
    text = (ROOT / "checks" / "__init__.py").read_text(encoding="utf-8")
    return re.search(r'__version__ = "([^"]+)"', text).group(1)


def dependencies() -> list[tuple[str, str]]:
    """(name, version) of each dependency of `checks`, pinned in pyproject.toml."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pins = []
    for requirement in project.get("dependencies", []):
        m = re.fullmatch(r"([A-Za-z0-9_.-]+)==([A-Za-z0-9_.!+-]+)", requirement.strip())
        if not m:
            raise RuntimeError(f"pyproject.toml: pin every dependency of checks exactly (name==version): {requirement!r}")
        pins.append((m.group(1), m.group(2)))
    return pins


def _wheel_name(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def dependency_wheels() -> list[Path]:
    """The downloaded wheel of every dependency; each must be pure Python (py3-none-any)."""
    found = []
    for name, version in dependencies():
        matches = sorted(WHEELS.glob(f"{_wheel_name(name)}-{version}-*.whl"))
        if not matches:
            raise RuntimeError(f"the wheel of {name}=={version} is missing from .venv/wheels: run `make setup` "
                               f"(python macros/runtime.py fetch-wheels)")
        wheel = matches[0]
        if not wheel.name.endswith("-py3-none-any.whl"):
            raise RuntimeError(f"{wheel.name} is not a pure-Python wheel: Pyodide's core runtime cannot load it")
        found.append(wheel)
    return found


def fetch_wheels() -> None:
    """Download the dependencies' wheels from PyPI into .venv/wheels (once)."""
    WHEELS.mkdir(parents=True, exist_ok=True)
    for name, version in dependencies():
        if any(WHEELS.glob(f"{_wheel_name(name)}-{version}-*.whl")):
            continue
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
                        "--no-deps", "--only-binary=:all:", "--dest", str(WHEELS), f"{name}=={version}"], check=True)
    dependency_wheels()  # fails loudly on a wheel that is not pure Python


def _record_hash(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def build_wheel(out_dir: Path) -> Path:
    """Write checks-<version>-py3-none-any.whl (code and rule data) into out_dir."""
    version = checks_version()
    dist_info = f"checks-{version}.dist-info"
    files: dict[str, bytes] = {}
    for path in sorted((ROOT / "checks").rglob("*")):
        if path.is_file() and path.suffix in (".py", ".toml") and "__pycache__" not in path.parts:
            files[path.relative_to(ROOT).as_posix()] = path.read_bytes()
    requires = "".join(f"Requires-Dist: {name}=={pin}\n" for name, pin in dependencies())
    files[f"{dist_info}/METADATA"] = (
        f"Metadata-Version: 2.1\nName: checks\nVersion: {version}\n"
        "Summary: The Service Recovery Handbook's apology checker\nRequires-Python: >=3.11\n"
        + requires).encode()
    files[f"{dist_info}/WHEEL"] = (
        "Wheel-Version: 1.0\nGenerator: service-recovery-handbook\nRoot-Is-Purelib: true\nTag: py3-none-any\n").encode()
    record = "".join(f"{name},{_record_hash(data)},{len(data)}\n" for name, data in files.items())
    files[f"{dist_info}/RECORD"] = (record + f"{dist_info}/RECORD,,\n").encode()
    out_dir.mkdir(parents=True, exist_ok=True)
    wheel = out_dir / f"checks-{version}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            info = zipfile.ZipInfo(name, _FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)
    return wheel


def _lock_entry(wheel: Path, imports: list[str], depends: list[str] = ()) -> dict:
    name, version = wheel.name.split("-")[:2]
    return {"name": name.lower(), "version": version, "file_name": wheel.name, "install_dir": "site",
            "sha256": hashlib.sha256(wheel.read_bytes()).hexdigest(), "package_type": "package",
            "imports": imports, "depends": list(depends), "unvendored_tests": False, "tool": {}}


def install_runtime(out_dir: Path) -> None:
    """Copy the Pyodide runtime, the checks wheel and its dependencies' wheels into
    out_dir, with their lock file."""
    if not (PYODIDE_NPM / "pyodide.mjs").exists():
        raise RuntimeError("node_modules/pyodide is missing: run `npm ci` (or `make setup`) first")
    out_dir.mkdir(parents=True, exist_ok=True)
    for name in RUNTIME_FILES:
        target = out_dir / name
        source = PYODIDE_NPM / name
        if not target.exists() or target.stat().st_size != source.stat().st_size:
            shutil.copyfile(source, target)
    wheel = build_wheel(out_dir)
    upstream = json.loads((PYODIDE_NPM / "pyodide-lock.json").read_text(encoding="utf-8"))
    packages = {}
    for dep in dependency_wheels():
        target = out_dir / dep.name
        if not target.exists() or target.stat().st_size != dep.stat().st_size:
            shutil.copyfile(dep, target)
        entry = _lock_entry(dep, imports=[_wheel_name(dep.name.split("-")[0])])
        packages[entry["name"]] = entry
    packages["checks"] = _lock_entry(wheel, imports=["checks"], depends=sorted(packages))
    lock = {"info": upstream["info"], "packages": packages}
    (out_dir / "pyodide-lock.json").write_text(json.dumps(lock, indent=1), encoding="utf-8")


if __name__ == "__main__":
    if sys.argv[1:] == ["fetch-wheels"]:
        fetch_wheels()
    else:
        sys.exit("usage: python macros/runtime.py fetch-wheels")
