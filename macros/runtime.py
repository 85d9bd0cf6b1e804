"""Package the checker for the browser: the `checks` wheel, built from the same
source the tests use, and the Pyodide runtime files from the pinned npm package,
with a pyodide-lock.json that lists only our wheel (with its sha256).

This does what `pyodide lockfile add-wheels` does, with the standard library, so
`mkdocs serve` can rebuild it on every change without a Python 3.12 toolchain.
"""
from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYODIDE_NPM = ROOT / "node_modules" / "pyodide"
RUNTIME_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip")
_FIXED_TIME = (2020, 1, 1, 0, 0, 0)  # same bytes for the same source: stable sha256, cacheable


def checks_version() -> str:
    text = (ROOT / "checks" / "__init__.py").read_text(encoding="utf-8")
    return re.search(r'__version__ = "([^"]+)"', text).group(1)


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
    files[f"{dist_info}/METADATA"] = (
        f"Metadata-Version: 2.1\nName: checks\nVersion: {version}\n"
        "Summary: The Service Recovery Handbook's apology checker\nRequires-Python: >=3.11\n").encode()
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


def install_runtime(out_dir: Path) -> None:
    """Copy the Pyodide runtime and the checks wheel into out_dir, with their lock file."""
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
    lock = {
        "info": upstream["info"],
        "packages": {
            "checks": {
                "name": "checks", "version": checks_version(), "file_name": wheel.name,
                "install_dir": "site", "sha256": hashlib.sha256(wheel.read_bytes()).hexdigest(),
                "package_type": "package", "imports": ["checks"], "depends": [],
                "unvendored_tests": False, "tool": {},
            }
        },
    }
    (out_dir / "pyodide-lock.json").write_text(json.dumps(lock, indent=1), encoding="utf-8")
