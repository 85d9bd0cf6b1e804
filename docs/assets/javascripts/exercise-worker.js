// The checker's Web Worker: loads Pyodide and the `checks` wheel from this site
// (assets/pyodide/, the files the page names), then answers check requests.
// Nothing leaves the browser.
//
// Messages to the page: {type: "alive"} (holds its life lock), "activity" (bytes are
// still arriving while loading), "progress" {stage: runtime | snapshot | checker |
// rules}, "ready" {maxChars}, "failed" {message} (the runtime cannot load), "result"
// {id, report}, "crashed" {id, message} (the runtime broke while checking: the page
// restarts the worker).
// Reports never carry English text meant for the learner: an input the checker
// refuses comes back as a code ("empty", "too_long", "invalid") that the page words
// in its own language (see exercise-python.js).
import { SETUP } from "./exercise-python.js";

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
async function storedSnapshot(runtime, langs, memoryGB) {
  const snapshot = langs.length === 1 && runtime.snapshots ? runtime.snapshots[langs[0]] : null;
  if (!snapshot || !self.caches) return null;
  if (memoryGB && memoryGB < SNAPSHOT_MIN_MEMORY_GB) return null; // the device lacks memory
  try {
    const response = await caches.match(snapshot.url);
    if (!response || !response.ok) return null;
    return new Uint8Array(await response.arrayBuffer());
  } catch {
    return null; // storage unreadable, or no memory for the copy
  }
}

// Restore the snapshot; null (and a normal start) on any failure: a snapshot from
// another build, a damaged one, too little memory. Pyodide's memory starts at 30 MB
// and a snapshot is larger (pyodide issue #6254), so the memory is grown first.
async function restore(loadPyodide, options, runtime, bytes, langs) {
  try {
    const { default: createPyodideModule } = await import(new URL("pyodide.asm.mjs", runtime.index).href);
    const pyodide = await loadPyodide({
      ...options,
      _loadSnapshot: bytes,
      createPyodideModule: async (settings) => {
        const module = await createPyodideModule(settings);
        if (module.HEAP8.length < bytes.length && !module._emscripten_resize_heap(bytes.length)) {
          throw new Error("no memory for the snapshot");
        }
        return module;
      },
    });
    pyodide.globals.get("_reseed")();
    JSON.parse(pyodide.globals.get("_check")("Sorry.", langs[0], null)); // it answers, or it is broken
    return pyodide;
  } catch (err) {
    console.info("Exercise checker: starting without the snapshot:", err && err.message ? err.message : err);
    return null;
  }
}

// The language's rules already read (checks.rules.frozen), fetched while Pyodide
// loads and put beside the rule data, where checks.language() looks first: reading the
// data instead takes most of a first start. Optional: any failure, or a copy that does
// not match the data, and the rules are read from the data as before.
function ruleCopy(runtime, langs) {
  const url = langs.length === 1 && runtime.rules ? runtime.rules[langs[0]] : null;
  if (!url) return Promise.resolve(null);
  return siteFetch(url)   // not the watched fetch: a missing copy is no failure to report
    .then((response) => (response.ok ? response.arrayBuffer() : null))
    .catch(() => null);
}

function installRuleCopy(pyodide, lang, buffer) {
  if (!buffer) return;
  try {
    const folder = pyodide.runPython("import os, checks.rules; os.path.dirname(checks.rules.__file__)");
    pyodide.FS.writeFile(`${folder}/rules/${lang}.pickle`, new Uint8Array(buffer));
  } catch (err) {
    console.info("Exercise checker: reading the rules from their data:", err && err.message ? err.message : err);
  }
}

async function init({ runtime, langs, lock, memoryGB }) {
  holdLifeLock(lock);
  post({ type: "progress", stage: "runtime" });
  const { loadPyodide } = await import(new URL("pyodide.mjs", runtime.index).href);
  const options = { indexURL: runtime.index, stdLibURL: runtime.stdlib, lockFileURL: runtime.lock,
                    stdout: () => {}, stderr: () => {} };
  const snapshot = await storedSnapshot(runtime, langs, memoryGB);
  const copy = snapshot ? null : ruleCopy(runtime, langs); // a restore needs no copy
  const restored = snapshot && (await restore(loadPyodide, options, runtime, snapshot, langs));
  const pyodide = restored || (await loadPyodide(options));
  if (restored) post({ type: "progress", stage: "snapshot" });
  post({ type: "progress", stage: "checker" });
  // Also after a restore: the snapshot holds the imported modules, not their files.
  await pyodide.loadPackage("checks", { messageCallback: () => {}, errorCallback: () => {} });
  post({ type: "progress", stage: "rules" });
  if (!restored) {
    pyodide.runPython(SETUP);
    installRuleCopy(pyodide, langs[0], await (copy || ruleCopy(runtime, langs)));
    pyodide.globals.get("_prepare")(pyodide.toPy(langs));
  }
  const maxChars = pyodide.runPython("checks.MAX_CHARS");
  check = pyodide.globals.get("_check");
  post({ type: "ready", maxChars });
  if (!restored) compileRest(pyodide.globals.get("_compile_some"), pyodide.toPy(langs));
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
