// The checker's Web Worker: loads Pyodide and the `checks` wheel from this site
// (assets/pyodide/, the files the page names), then answers check requests.
// Nothing leaves the browser.
//
// Messages to the page: {type: "alive"} (holds its life lock), "activity" (bytes are
// still arriving while loading), "progress" {stage: runtime (started) | snapshot
// (restored) | checker (Pyodide loaded) | rules (the wheels installed) | imported
// (`checks` imported)}, "ready" {maxChars}, "failed" {message} (the runtime cannot
// load), "result" {id, report}, "crashed" {id, message} (the runtime broke while
// checking: the page restarts the worker).
// Reports never carry English text meant for the learner: an input the checker
// refuses comes back as a code ("empty", "too_long", "invalid") that the page words
// in its own language (see exercise-python.js).
import { SETUP, installRuleCopy } from "./exercise-python.js";

let check = null;
let failed = false;
let lastActivity = 0;
const SNAPSHOT_MIN_MEMORY_GB = 1; // navigator.deviceMemory below this: start normally
const COMPILE_SLICE_S = 0.01;     // the longest a check request waits behind compiling

// Pyodide logs, but never rejects, when it cannot fetch one of its files (a blocked
// or missing .wasm leaves loadPyodide() pending forever). Watch this worker's own
// fetches so such a failure is reported at once, naming the file; and tell the page
// while bytes keep arriving, so its watchdog can tell a slow download from a stalled one.
const siteFetch = self.fetch.bind(self);
self.fetch = async (resource, options) => {
  activity();
  try {
    const response = await siteFetch(resource, options);
    if (!response.ok) fail(`${response.status} ${response.url}`);
    else if (!check && response.body) watchBody(response.clone());
    return response;
  } catch (err) {
    fail(`${resource}: ${err && err.message ? err.message : err}`);
    throw err;
  }
};

function activity() {
  const now = Date.now();
  if (check || now - lastActivity < 250) return;
  lastActivity = now;
  post({ type: "activity" });
}

async function watchBody(response) {
  try {
    const reader = response.body.getReader();
    for (;;) {
      const { done } = await reader.read();
      if (done) return;
      activity();
    }
  } catch {
    /* the original response reports its own failure */
  }
}

function fail(message) {
  if (failed || check) return;
  failed = true;
  post({ type: "failed", message });
}

// A lock held for the worker's whole life: when the worker dies (terminated, out of
// memory, closed), the browser releases it and the page, waiting on it, knows at once.
function holdLifeLock(name) {
  if (!name || !(self.navigator && navigator.locks)) return;
  navigator.locks.request(name, () => {
    post({ type: "alive" });
    return new Promise(() => {}); // never released while this worker lives
  }).catch(() => {});
}

// The language's memory snapshot (taken at build time once `checks` was imported and
// the rules compiled), if it is already stored here: the service worker keeps it once
// the learner has used an exercise; a first visit never downloads it. Its cache entry
// was checked against its sha256 when stored, and its name is the hash of its content.
// Returns {bytes: a promise of them, read while Pyodide's own files load}, or null.
async function storedSnapshot(runtime, langs, memoryGB) {
  const snapshot = langs.length === 1 && runtime.snapshots ? runtime.snapshots[langs[0]] : null;
  if (!snapshot || !self.caches) return null;
  if (memoryGB && memoryGB < SNAPSHOT_MIN_MEMORY_GB) return null; // the device lacks memory
  try {
    const response = await caches.match(snapshot.url);
    if (!response || !response.ok) return null;
    const bytes = response.arrayBuffer();
    bytes.catch(() => {}); // storage unreadable, or no memory for the copy: restore() says so
    return { bytes };
  } catch {
    return null;
  }
}

// A snapshot is stored without its pages of zeros (macros/runtime.py, `sparse`): put
// them back. Anything else (another format, a damaged copy) is refused.
function unsparse(buffer) {
  const view = new DataView(buffer);
  if (buffer.byteLength < 12 || view.getUint32(0) !== 0x53524853) throw new Error("not a snapshot"); // "SRHS"
  const page = view.getUint32(4, true);
  const length = view.getUint32(8, true);
  const pages = Math.ceil(length / page);
  const bitmap = new Uint8Array(buffer, 12, Math.ceil(pages / 8));
  const memory = new Uint8Array(length);
  let from = 12 + bitmap.length;
  for (let n = 0; n < pages; n++) {
    if (!(bitmap[n >> 3] & (1 << (n & 7)))) continue;
    const size = Math.min(page, length - n * page);
    if (from + size > buffer.byteLength) throw new Error("a damaged snapshot");
    memory.set(new Uint8Array(buffer, from, size), n * page);
    from += size;
  }
  if (from !== buffer.byteLength) throw new Error("a damaged snapshot");
  return memory;
}

// Restore the snapshot; null (and a normal start) on any failure: a snapshot from
// another build, a damaged one, too little memory. Pyodide fetches its own files while
// the snapshot is read. Its memory starts at 30 MB and a snapshot is larger (pyodide
// issue #6254), so the memory is grown first.
async function restore(loadPyodide, options, asm, { bytes }, langs) {
  try {
    let size = 0;
    const pyodide = await loadPyodide({
      ...options,
      _loadSnapshot: bytes.then((buffer) => {
        const memory = unsparse(buffer);
        size = memory.length;
        return memory;
      }),
      createPyodideModule: async (settings) => {
        const { default: createPyodideModule } = await asm;
        const module = await createPyodideModule(settings);
        if (module.HEAP8.length < size && !module._emscripten_resize_heap(size)) {
          throw new Error("no memory for the snapshot");
        }
        return module;
      },
    });
    pyodide.globals.get("_reseed")();
    JSON.parse(pyodide.globals.get("_check")("Sorry.", langs[0], null)); // it answers, or it is broken
    return pyodide;
  } catch (err) {
    if (failed) throw err; // one of the runtime's files failed to load: already reported
    console.info("Exercise checker: starting without the snapshot:", err && err.message ? err.message : err);
    return null;
  }
}

// Each language's rules already read (checks.rules.frozen), fetched while Pyodide
// loads and put where checks.language() looks. The site's wheel carries no rule data
// of its own, only the hash of the data these copies were read from, so they are
// required files like the wheel: fetched with the watched fetch, which reports a
// failure. (Under `mkdocs serve` before the runtime is built there are none: the
// wheel then carries the data, and the rules are read from it.)
function ruleCopies(runtime, langs) {
  return Promise.all(langs.filter((lang) => runtime.rules && runtime.rules[lang]).map(async (lang) => {
    const response = await self.fetch(runtime.rules[lang]);
    return [lang, await response.arrayBuffer()];
  }));
}

const quiet = { messageCallback: () => {}, errorCallback: () => {} };

async function init({ runtime, langs, lock, memoryGB }) {
  holdLifeLock(lock);
  post({ type: "progress", stage: "runtime" });
  // Pyodide's two modules and the snapshot are fetched at once, not one after another.
  const asm = import(new URL("pyodide.asm.mjs", runtime.index).href);
  asm.catch(() => {}); // loadPyodide() imports it again, and reports a failure
  const [{ loadPyodide }, snapshot] = await Promise.all([
    import(new URL("pyodide.mjs", runtime.index).href), storedSnapshot(runtime, langs, memoryGB)]);
  const options = { indexURL: runtime.index, stdLibURL: runtime.stdlib, lockFileURL: runtime.lock,
                    stdout: () => {}, stderr: () => {} };
  const copies = snapshot ? null : ruleCopies(runtime, langs); // a restore needs none
  if (copies) copies.catch(() => {}); // awaited below; a failure is reported as it happens
  const restored = snapshot && (await restore(loadPyodide, options, asm, snapshot, langs));
  if (restored) {
    post({ type: "progress", stage: "snapshot" });
    ready(restored);
    // The snapshot holds the imported modules and the compiled rules, not the files
    // they came from; the checker reads none of them again, so they are put back only
    // now (for whatever a later version might read), once the checker answers.
    setTimeout(() => restored.loadPackage("checks", quiet).catch((err) => console.info(
      "Exercise checker: the package files are missing:", err && err.message ? err.message : err)), 0);
    return;
  }
  const pyodide = await loadPyodide(options);
  post({ type: "progress", stage: "checker" });
  await pyodide.loadPackage("checks", quiet);
  post({ type: "progress", stage: "rules" });
  pyodide.runPython(SETUP);
  for (const [lang, buffer] of await (copies || ruleCopies(runtime, langs))) installRuleCopy(pyodide, lang, buffer);
  post({ type: "progress", stage: "imported" }); // `checks` imported; its rules load next
  pyodide.globals.get("_prepare")(pyodide.toPy(langs));
  ready(pyodide);
  compileRest(pyodide.globals.get("_compile_some"), pyodide.toPy(langs));
}

function ready(pyodide) {
  const maxChars = pyodide.runPython("checks.MAX_CHARS");
  check = pyodide.globals.get("_check");
  post({ type: "ready", maxChars });
}

// The rules' pattern expressions compile on first use (a snapshot holds them all).
// After a normal start, compile the rest in slices of a few milliseconds: a check
// request arriving meanwhile runs between two slices, not after all of them.
async function compileRest(compileSome, langs) {
  try {
    while (!compileSome(langs, COMPILE_SLICE_S)) await new Promise((next) => setTimeout(next, 0));
  } catch (err) {
    console.info("Exercise checker: patterns will compile as they are used:", err && err.message ? err.message : err);
  }
}

function post(message) {
  self.postMessage(message);
}

self.onmessage = async ({ data }) => {
  if (data.type === "init") {
    try {
      await init(data);
    } catch (err) {
      fail(String(err && err.message ? err.message : err));
    }
  } else if (data.type === "check") {
    // The page sends one request per exercise at a time, and only its newest text:
    // nothing here is ever superseded before it runs.
    let report;
    try {
      report = JSON.parse(check(data.text, data.lang, data.scenario));
    } catch (err) {
      post({ type: "crashed", id: data.id, message: String(err && err.message ? err.message : err) });
      return;
    }
    post({ type: "result", id: data.id, report });
  }
};
