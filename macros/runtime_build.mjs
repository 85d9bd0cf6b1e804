// Build-time work that needs Pyodide's own Python (3.14), done inside Pyodide under
// Node.js from the pinned npm package (no host Python 3.14 needed, nothing fetched):
//
//   node macros/runtime_build.mjs compile  JOB.json
//     Compile the standard library and the wheels to bytecode (.pyc only, unchecked
//     hash-based: same bytes for the same source), and keep only the standard-library
//     and dependency modules the worker imports: found by running it (Pyodide's
//     start, installing the wheels, `import checks`, every language's rules, every
//     exercise, an error).
//   node macros/runtime_build.mjs snapshot JOB.json
//     For each language, a memory snapshot taken after the worker's setup: `checks`
//     imported, that language's rules loaded from their ready-read copy and compiled,
//     every exercise checked once.
//
// macros/runtime.py writes JOB.json and caches the results by the content of their
// inputs, so this runs only when Pyodide, the checker or this file changes.
import { readFileSync, writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const [command, jobFile] = process.argv.slice(2);
const job = JSON.parse(readFileSync(jobFile, "utf8"));
const { loadPyodide } = await import(pathToFileURL(job.indexURL + "pyodide.mjs").href);
// The worker's Python, from the page's own module (as data: Node would otherwise
// warn that the site's folder does not declare its JavaScript as modules).
const { SETUP, installRuleCopy } = await import(
  "data:text/javascript;base64," + readFileSync(job.workerPython).toString("base64"));
const quiet = { stdout: () => {}, stderr: (line) => process.stderr.write(line + "\n") };

const COMPILE = `
import importlib.util, io, sys, zipfile
from importlib._bootstrap_external import _code_to_hash_pyc

FIXED_TIME = (2020, 1, 1, 0, 0, 0)

def compile_archive(source, target, keep=None):
    """Write target: source's members, every .py compiled to .pyc (the .py left out);
    with keep, only the .py files it names (and every directory and data file)."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out:
        for info in sorted(src.infolist(), key=lambda i: i.filename):
            name, data = info.filename, src.read(info)
            if name.endswith(".py"):
                if keep is not None and name not in keep:
                    continue
                code = compile(data, name, "exec", dont_inherit=True)
                data, name = _code_to_hash_pyc(code, importlib.util.source_hash(data), checked=False), name + "c"
            elif name.endswith(".pyc"):
                continue
            entry = zipfile.ZipInfo(name, FIXED_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr or (0o644 << 16)
            out.writestr(entry, data)

def imported_files(prefix):
    """The .py files under prefix behind every module imported so far, relative to it."""
    used = set()
    for module in list(sys.modules.values()):
        origin = getattr(getattr(module, "__spec__", None), "origin", None) or ""
        if origin.startswith(prefix):
            used.add(origin[len(prefix):])
    return sorted(used)

def installed_imports():
    """The installed wheels' files imported so far, relative to site-packages (where
    the wheels were installed, beside checks)."""
    import os, checks
    return imported_files(os.path.dirname(os.path.dirname(checks.__file__)) + "/")

def stdlib_imports(zip_path, extra):
    """The standard library's files imported so far (and extra's)."""
    for name in extra:
        __import__(name)
    return imported_files(zip_path + "/")
`;

async function compileJob() {
  const py = await loadPyodide({ indexURL: job.indexURL, ...quiet });
  const zipPath = py.runPython("import sys; next(p for p in sys.path if p.endswith('.zip'))");
  // Run the worker as the browser does: install the (source) wheels with
  // loadPackage, then its setup, every language, every exercise, an error.
  await py.loadPackage(job.traceWheels, { messageCallback: () => {} });
  py.runPython(SETUP);
  py.runPython(`for _lang in checks.LANGUAGES: _warm(_lang)`);
  try {
    py.runPython("raise ValueError('an error, formatted as the worker would report it')");
  } catch {
    /* expected: its traceback's modules are now imported */
  }
  py.runPython(COMPILE);
  const keep = py.globals.get("stdlib_imports")(zipPath, py.toPy(job.keepModules)).toJs();
  py.FS.mkdirTree("/build");
  py.FS.writeFile("/build/stdlib.zip", readFileSync(job.stdlib));
  py.globals.get("compile_archive")("/build/stdlib.zip", "/build/stdlib.out.zip", py.toPy(keep));
  writeFileSync(job.stdlibOut, py.FS.readFile("/build/stdlib.out.zip"));
  // A dependency keeps only the modules the worker imported (snowballstemmer: the
  // stemmers of the handbook's languages, not all 36); `checks` keeps every module.
  const installed = py.globals.get("installed_imports")().toJs();
  for (const { source, target, trim } of job.wheels) {
    py.FS.writeFile("/build/in.whl", readFileSync(source));
    py.globals.get("compile_archive")("/build/in.whl", "/build/out.whl", trim ? py.toPy(installed) : undefined);
    writeFileSync(target, py.FS.readFile("/build/out.whl"));
  }
  writeFileSync(job.report, JSON.stringify({ stdlibModules: keep, wheelModules: installed }, null, 1));
}

async function snapshotJob() {
  const report = {};
  for (const { lang, target } of job.snapshots) {
    const py = await loadPyodide({ indexURL: job.indexURL, stdLibURL: job.stdlib, _makeSnapshot: true, ...quiet });
    for (const wheel of job.wheels) py.unpackArchive(new Uint8Array(readFileSync(wheel)), "wheel");
    // As the worker does: the language already read, where checks.language() looks.
    if (job.rules && job.rules[lang]) installRuleCopy(py, lang, readFileSync(job.rules[lang]));
    py.runPython(SETUP);
    py.runPython(`_warm(${JSON.stringify(lang)})\nimport gc\ngc.collect()`);
    const snapshot = py.makeMemorySnapshot();
    writeFileSync(target, snapshot);
    report[lang] = snapshot.length;
  }
  writeFileSync(job.report, JSON.stringify({ snapshotBytes: report }, null, 1));
}

if (command === "compile") await compileJob();
else if (command === "snapshot") await snapshotJob();
else throw new Error(`unknown command ${command}: compile or snapshot`);
