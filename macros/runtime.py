"""Package the checker for the browser: the Pyodide runtime from the pinned npm
package, its standard library and the wheels compiled to bytecode, the `checks`
wheel (built from the same source the tests use) and the pure-Python wheels it
depends on (pyproject.toml's `dependencies`, fetched from PyPI by `make setup` into
.venv/wheels), a pyodide-lock.json that lists those wheels (with their sha256),
one memory snapshot per language, and each language's rules already read (a pickle
this CPython makes: checks.rules.frozen), which a first start loads instead of
reading the rule data.

Bytecode and snapshots need Pyodide's own Python (3.14): macros/runtime_build.mjs
makes them inside Pyodide under Node.js. They are cached by the content of their
inputs (in node_modules/.cache/handbook-runtime/), so a build that changes nothing
they depend on reuses them, and a change of rule data recompiles nothing (the
wheel takes the compiled modules and the new data; only the snapshots are taken
again). `mkdocs serve` never waits for them: on a cache miss it serves the npm
standard library and the source wheels, without snapshots (the worker starts
normally without one).

Every file lands in the site as assets/pyodide/<hash>/<name>, the folder named by
the hash of the file's content (the three runtime files share one folder, named by
their hashes together, because pyodide.mjs finds the other two beside itself). A
publish thus changes the address of whatever it changes: a host may cache the
folder for ever (`immutable`), and nothing stale can mix with anything new. The
pages reference the current files (`manifest()`, rendered by the exercise macro).
Each file larger than a few kilobytes that is not already compressed also gets a
.gz copy (gzip -9) for hosts that serve precompressed files (nginx gzip_static).

    python macros/runtime.py fetch-wheels   # download the dependencies' wheels (make setup)
"""
from __future__ import annotations

import base64
import gzip
import hashlib
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import tomllib
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYODIDE_NPM = ROOT / "node_modules" / "pyodide"
WHEELS = ROOT / ".venv" / "wheels"     # the dependencies' wheels, as downloaded from PyPI
CACHE = Path(os.environ.get("HANDBOOK_RUNTIME_CACHE") or ROOT / "node_modules" / ".cache" / "handbook-runtime")
BUILD_SCRIPT = ROOT / "macros" / "runtime_build.mjs"
WORKER_PYTHON = ROOT / "docs" / "assets" / "javascripts" / "exercise-python.js"
RUNTIME_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm")
SITE_FOLDER = "assets/pyodide"
# Standard-library modules kept although the worker's trial run does not import
# them: `random` is reseeded after a snapshot is restored.
KEEP_MODULES = ("random", "encodings.ascii", "encodings.latin_1")
GZIP_SUFFIXES = (".mjs", ".wasm", ".json", ".bin", ".pickle")   # zip and whl are compressed already
HASH_CHARS = 16
CACHE_ENTRIES = 6     # per kind (compiled, snapshots, rules): older ones are deleted
_FIXED_TIME = (2020, 1, 1, 0, 0, 0)  # same bytes for the same source: stable sha256, cacheable

# `mkdocs serve` sets this (macros/site_build.py): never wait for Node.js on a cache miss.
serving = False


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


def _checks_sources() -> dict[str, bytes]:
    return {path.relative_to(ROOT).as_posix(): path.read_bytes()
            for path in sorted((ROOT / "checks").rglob("*"))
            if path.is_file() and path.suffix in (".py", ".toml", ".json") and "__pycache__" not in path.parts}


def build_wheel(out_dir: Path, compiled: dict[str, bytes] | None = None,
                ready_read: dict[str, bytes] | None = None) -> Path:
    """Write checks-<version>-py3-none-any.whl (code and rule data) into out_dir;
    with `compiled` ({"checks/engine.pyc": bytecode, ...}), its modules as bytecode.
    With `ready_read` ({lang: hash of its data}, the site's wheel), each of those
    languages' data files is left out and only that hash kept: the browser gets the
    language already read (checks.rules.frozen), and the data would be 0.7 MB more
    to download that no learner's start reads."""
    from checks import rules
    version = checks_version()
    dist_info = f"checks-{version}.dist-info"
    left_out = {f"checks/{path(code)}" for code in ready_read or () for path in (rules.language_path, rules.model_path)}
    files: dict[str, bytes] = {}
    for name, data in _checks_sources().items():
        if name in left_out:
            continue
        if compiled is not None and name.endswith(".py"):
            name += "c"
            data = compiled[name]
        files[name] = data
    for code, data_hash in (ready_read or {}).items():
        files[f"checks/{rules.data_hash_path(code)}"] = data_hash.hex().encode() + b"\n"
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


def _digest(*parts) -> str:
    """One hash over files (their content), strings and bytes, in order."""
    h = hashlib.sha256()
    for part in parts:
        data = part.read_bytes() if isinstance(part, Path) else part if isinstance(part, bytes) else str(part).encode()
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


def _file_hash(path: Path) -> str:
    return _digest(path)[:HASH_CHARS]


def _node(command: str, job: dict, work: Path) -> None:
    if shutil.which("node") is None:
        raise RuntimeError("Node.js is missing: the site's runtime is compiled inside Pyodide under Node.js "
                           "(install nodejs, then `make setup`)")
    job_file = work / f"{command}.json"
    job_file.write_text(json.dumps(job), encoding="utf-8")
    result = subprocess.run(["node", str(BUILD_SCRIPT), command, str(job_file)], capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"macros/runtime_build.mjs {command} failed:\n{result.stderr[-4000:]}")


def _cached(kind: str, key: str, make) -> Path | None:
    """CACHE/<kind>-<key>/, made by make(folder) on a miss (None while serving).
    Written beside and renamed into place: concurrent builds never see half of one."""
    folder = CACHE / f"{kind}-{key[:32]}"
    if (folder / "done").exists():
        os.utime(folder)
        return folder
    if serving:
        return None
    CACHE.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{kind}-", dir=CACHE))
    try:
        make(work)
        (work / "done").write_text(key, encoding="utf-8")
        try:
            work.rename(folder)
        except OSError:  # another build made it meanwhile
            pass
    finally:
        shutil.rmtree(work, ignore_errors=True)
    _prune(kind)
    return folder


def _prune(kind: str) -> None:
    entries = sorted(CACHE.glob(f"{kind}-*"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in entries[CACHE_ENTRIES:]:
        shutil.rmtree(old, ignore_errors=True)


def _compiled() -> Path | None:
    """The standard library (only the modules the worker imports) and the wheels,
    compiled; keyed by everything but the rule data, which compiles to nothing."""
    code = {name: data for name, data in _checks_sources().items() if name.endswith(".py")}
    key = _digest(*(PYODIDE_NPM / name for name in (*RUNTIME_FILES, "python_stdlib.zip")),
                  json.dumps(sorted(code)), *code.values(), *dependency_wheels(), BUILD_SCRIPT, WORKER_PYTHON,
                  json.dumps(KEEP_MODULES))

    def make(work: Path):
        source = build_wheel(work / "source")
        _node("compile", {
            "indexURL": f"{PYODIDE_NPM}/", "workerPython": str(WORKER_PYTHON),
            "stdlib": str(PYODIDE_NPM / "python_stdlib.zip"), "stdlibOut": str(work / "python_stdlib.zip"),
            "traceWheels": [str(source), *map(str, dependency_wheels())], "keepModules": list(KEEP_MODULES),
            "wheels": [{"source": str(w), "target": str(work / ("compiled-checks.whl" if w == source else w.name)),
                        "trim": w != source} for w in (source, *dependency_wheels())],
            "report": str(work / "compile-report.json")}, work)
        shutil.rmtree(work / "source")

    return _cached("compiled", key, make)


def _rule_copies() -> Path | None:
    """Each language's rules read and pickled (checks.rules.frozen), so the worker's
    first start need not read the rule data (most of its wait). Made by this CPython
    from these sources, with a fixed hash seed so the same sources give the same bytes."""
    import checks
    languages = list(checks.LANGUAGES)
    key = _digest(*_checks_sources().values(), "rule copies", *languages)

    def make(work: Path) -> None:
        script = ("import sys; from pathlib import Path; from checks import rules\n"
                  "for lang in sys.argv[2:]:\n"
                  "    (Path(sys.argv[1]) / f'rules-{lang}.pickle').write_bytes(rules.frozen(lang))\n")
        result = subprocess.run([sys.executable, "-c", script, str(work), *languages], cwd=ROOT,
                                env={**os.environ, "PYTHONHASHSEED": "0", "PYTHONPATH": str(ROOT)},
                                capture_output=True, text=True)
        if result.returncode:
            raise RuntimeError(f"reading the rules for their ready-read copies failed:\n{result.stderr[-4000:]}")
    return _cached("rules", key, make)


def _snapshots(stdlib: Path, wheels: list[Path], copies: Path | None) -> Path | None:
    """One memory snapshot per language, taken with exactly these files (and the
    language's ready-read copy, as the worker installs it)."""
    import checks  # the site's own checker: its languages
    languages = list(checks.LANGUAGES)
    rule_copies = {lang: copies / f"rules-{lang}.pickle" for lang in languages} if copies else {}
    key = _digest(*(PYODIDE_NPM / name for name in RUNTIME_FILES), stdlib, *wheels, BUILD_SCRIPT, WORKER_PYTHON,
                  json.dumps(languages), *rule_copies.values())

    def make(work: Path):
        _node("snapshot", {
            "indexURL": f"{PYODIDE_NPM}/", "workerPython": str(WORKER_PYTHON), "stdlib": str(stdlib),
            "wheels": [str(w) for w in wheels], "rules": {lang: str(p) for lang, p in rule_copies.items()},
            "snapshots": [{"lang": lang, "target": str(work / f"snapshot-{lang}.bin")} for lang in languages],
            "report": str(work / "snapshot-report.json")}, work)

    return _cached("snapshots", key, make)


# A snapshot is Pyodide's memory, two fifths of it pages of zeros: it is served and
# stored without them (the worker puts them back: `unsparse` in exercise-worker.js),
# so a restore reads some 16 MB less from the browser's cache. Little-endian: the
# magic, the page size, the memory's length, one bit per page (1: stored), the pages.
SPARSE_MAGIC = b"SRHS"
SPARSE_PAGE = 4096


def sparse(data: bytes) -> bytes:
    pages = -(-len(data) // SPARSE_PAGE)
    bitmap = bytearray(-(-pages // 8))
    kept = []
    for n in range(pages):
        page = data[n * SPARSE_PAGE:(n + 1) * SPARSE_PAGE]
        if page.count(0) != len(page):
            bitmap[n >> 3] |= 1 << (n & 7)
            kept.append(page)
    return SPARSE_MAGIC + struct.pack("<II", SPARSE_PAGE, len(data)) + bytes(bitmap) + b"".join(kept)


def _sparse_copy(raw: Path) -> Path:
    """raw's sparse form, under raw's own name, made once per content (cached)."""
    cached = CACHE / "sparse" / _digest(raw)[:32] / raw.name
    if cached.exists():
        os.utime(cached.parent)
        return cached
    cached.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=cached.parent, delete=False) as tmp:
        tmp.write(sparse(raw.read_bytes()))
    os.replace(tmp.name, cached)
    entries = sorted((CACHE / "sparse").iterdir(), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in entries[CACHE_ENTRIES * 8:]:  # about as many as the snapshot entries kept hold
        shutil.rmtree(old, ignore_errors=True)
    return cached


@dataclass
class Runtime:
    """What one build serves: site path (under SITE_FOLDER) -> file, and the
    manifest the pages reference (paths relative to the site root)."""
    files: dict[str, Path] = field(default_factory=dict)
    manifest: dict = field(default_factory=dict)


def _lock_entry(wheel: Path, site_path: str, imports: list[str], depends: list[str] = ()) -> dict:
    name, version = wheel.name.split("-")[:2]
    return {"name": name.lower(), "version": version, "file_name": f"../{site_path.split('/', 1)[0]}/{wheel.name}",
            "install_dir": "site", "sha256": hashlib.sha256(wheel.read_bytes()).hexdigest(),
            "package_type": "package", "imports": imports, "depends": list(depends), "unvendored_tests": False,
            "tool": {}}


_prepared: dict[str, Runtime] = {}


def prepare(work: Path | None = None) -> Runtime:
    """The runtime of this build (compiled and snapshotted when the cache has them
    or this is not `mkdocs serve`), prepared once per content of its inputs."""
    if not (PYODIDE_NPM / "pyodide.mjs").exists():
        raise RuntimeError("node_modules/pyodide is missing: run `npm ci` (or `make setup`) first")
    key = _digest(*_checks_sources().values(), *dependency_wheels(), *(PYODIDE_NPM / n for n in RUNTIME_FILES),
                  BUILD_SCRIPT, WORKER_PYTHON, str(serving))
    if key in _prepared:
        return _prepared[key]
    staging = CACHE / "wheels"
    staging.mkdir(parents=True, exist_ok=True)
    compiled = _compiled()
    if compiled:
        with zipfile.ZipFile(compiled / "compiled-checks.whl") as zf:
            modules = {name: zf.read(name) for name in zf.namelist() if name.endswith(".pyc")}
        stdlib = compiled / "python_stdlib.zip"
        deps = [compiled / w.name for w in dependency_wheels()]
    else:
        modules, stdlib, deps = None, PYODIDE_NPM / "python_stdlib.zip", dependency_wheels()
    from checks import rules
    copies = _rule_copies() if compiled else None
    # With the languages already read, the wheel leaves their data out (build_wheel)
    # and keeps the hash of the data each copy was read from.
    ready_read = {path.stem.split("-", 1)[1]: rules.copy_data_hash(path.read_bytes())
                  for path in sorted(copies.glob("rules-*.pickle"))} if copies else None
    # The wheel, in a folder of its own content's hash (its name is fixed by its version).
    with tempfile.TemporaryDirectory(dir=staging) as tmp:
        built = build_wheel(Path(tmp), modules, ready_read)
        checks_wheel = staging / _file_hash(built) / built.name
        if not checks_wheel.exists():
            checks_wheel.parent.mkdir(exist_ok=True)
            os.replace(built, checks_wheel)
    snapshots = _snapshots(stdlib, [checks_wheel, *deps], copies) if compiled else None

    runtime = Runtime()
    folder = _digest(*(PYODIDE_NPM / n for n in RUNTIME_FILES))[:HASH_CHARS]
    for name in RUNTIME_FILES:
        runtime.files[f"{folder}/{name}"] = PYODIDE_NPM / name

    def add(path: Path, name: str | None = None) -> str:
        site_path = f"{_file_hash(path)}/{name or path.name}"
        runtime.files[site_path] = path
        return site_path

    stdlib_path = add(stdlib, "python_stdlib.zip")
    packages = {}
    for dep in deps:
        entry = _lock_entry(dep, add(dep), imports=[_wheel_name(dep.name.split("-")[0])])
        packages[entry["name"]] = entry
    packages["checks"] = _lock_entry(checks_wheel, add(checks_wheel), imports=["checks"], depends=sorted(packages))
    upstream = json.loads((PYODIDE_NPM / "pyodide-lock.json").read_text(encoding="utf-8"))
    lock = json.dumps({"info": upstream["info"], "packages": packages}, indent=1).encode()
    lock_file = CACHE / "locks" / f"{hashlib.sha256(lock).hexdigest()[:HASH_CHARS]}.json"
    if not lock_file.exists():
        lock_file.parent.mkdir(parents=True, exist_ok=True)
        lock_file.write_bytes(lock)
    lock_path = add(lock_file, "pyodide-lock.json")
    snapshot_paths = {}
    for raw in sorted(snapshots.glob("snapshot-*.bin")) if snapshots else ():
        lang = raw.stem.split("-", 1)[1]
        path = _sparse_copy(raw)
        sha256 = base64.b64encode(hashlib.sha256(path.read_bytes()).digest()).decode()
        snapshot_paths[lang] = {"url": f"{SITE_FOLDER}/{add(path)}", "bytes": path.stat().st_size,
                                "integrity": f"sha256-{sha256}"}
    rule_paths = {path.stem.split("-", 1)[1]: f"{SITE_FOLDER}/{add(path)}"
                  for path in sorted(copies.glob("rules-*.pickle"))} if copies else {}
    runtime.manifest = {"index": f"{SITE_FOLDER}/{folder}/", "stdlib": f"{SITE_FOLDER}/{stdlib_path}",
                        "lock": f"{SITE_FOLDER}/{lock_path}", "snapshots": snapshot_paths, "rules": rule_paths}
    _prepared.clear()
    _prepared[key] = runtime
    return runtime


def manifest() -> dict:
    """What the exercise pages reference: the runtime folder, standard library,
    lock file and each language's snapshot (paths relative to the site root)."""
    return prepare().manifest


def _gzip_copy(path: Path, target: Path) -> None:
    """target = gzip -9 of path, made once per content (cached)."""
    cached = CACHE / "gz" / f"{_digest(path)[:32]}.gz"
    if not cached.exists():
        cached.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=cached.parent, delete=False) as tmp:
            with gzip.GzipFile(fileobj=tmp, mode="wb", compresslevel=9, mtime=0) as gz:
                gz.write(path.read_bytes())
        os.replace(tmp.name, cached)
    shutil.copyfile(cached, target)


def install_runtime(out_dir: Path) -> Runtime:
    """Copy this build's runtime into out_dir (the site's assets/pyodide/), each file
    in its hashed folder, with .gz copies."""
    runtime = prepare()
    for site_path, source in runtime.files.items():
        target = out_dir / site_path
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists() or target.stat().st_size != source.stat().st_size:
            shutil.copyfile(source, target)
        if target.suffix in GZIP_SUFFIXES and source.stat().st_size > 4096:
            gz = target.with_name(target.name + ".gz")
            if not gz.exists():
                _gzip_copy(source, gz)
    return runtime


if __name__ == "__main__":
    if sys.argv[1:] == ["fetch-wheels"]:
        fetch_wheels()
    else:
        sys.exit("usage: python macros/runtime.py fetch-wheels")
