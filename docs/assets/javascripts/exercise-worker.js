// The checker's Web Worker: loads Pyodide and the `checks` wheel from this site
// (assets/pyodide/), then answers check requests. Nothing leaves the browser.
//
// Messages to the page: {type: "alive"} (holds its life lock), "activity" (bytes are
// still arriving while loading), "progress", "ready" {maxChars}, "failed" {message}
// (the runtime cannot load), "result" {id, report}, "crashed" {id, message} (the
// runtime broke while checking: the page restarts the worker).
// Reports never carry English text meant for the learner: an input the checker
// refuses comes back as a code ("empty", "too_long", "invalid") that the page words
// in its own language.
let check = null;
let failed = false;
let lastActivity = 0;

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

async function init({ indexURL, langs, lock }) {
  holdLifeLock(lock);
  post({ type: "progress", stage: "runtime" });
  const { loadPyodide } = await import(new URL("pyodide.mjs", indexURL).href);
  const pyodide = await loadPyodide({ indexURL, stdout: () => {}, stderr: () => {} });
  post({ type: "progress", stage: "checker" });
  await pyodide.loadPackage("checks", { messageCallback: () => {}, errorCallback: () => {} });
  post({ type: "progress", stage: "rules" });
  pyodide.runPython(`
import json, checks

def _check(text, lang, scenario):
    if not text.strip():
        return json.dumps({"input_error": "empty"})
    if len(text) > checks.MAX_CHARS:
        return json.dumps({"input_error": "too_long"})
    try:
        return checks.check(text, lang, scenario or None).to_json()
    except checks.CheckInputError as exc:
        return json.dumps({"input_error": "invalid", "detail": str(exc)})

for _lang in ${JSON.stringify(langs)}:
    checks.language(_lang)  # compile this page's rules now, not on the first keystroke
`);
  const maxChars = pyodide.runPython("checks.MAX_CHARS");
  check = pyodide.globals.get("_check");
  post({ type: "ready", maxChars });
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
