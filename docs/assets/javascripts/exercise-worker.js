// The checker's Web Worker: loads Pyodide and the `checks` wheel from this site
// (assets/pyodide/), then answers check requests. Nothing leaves the browser.
let check = null;
let failed = false;

// Pyodide logs, but never rejects, when it cannot fetch one of its files (a blocked
// or missing .wasm leaves loadPyodide() pending forever). Watch this worker's own
// fetches so such a failure is reported at once, naming the file.
const siteFetch = self.fetch.bind(self);
self.fetch = async (resource, options) => {
  try {
    const response = await siteFetch(resource, options);
    if (!response.ok) fail(`${response.status} ${response.url}`);
    return response;
  } catch (err) {
    fail(`${resource}: ${err && err.message ? err.message : err}`);
    throw err;
  }
};

function fail(message) {
  if (failed || check) return;
  failed = true;
  post({ type: "failed", message });
}

async function init({ indexURL, langs }) {
  post({ type: "progress", stage: "runtime" });
  const { loadPyodide } = await import(new URL("pyodide.mjs", indexURL).href);
  const pyodide = await loadPyodide({ indexURL, stdout: () => {}, stderr: () => {} });
  post({ type: "progress", stage: "checker" });
  await pyodide.loadPackage("checks", { messageCallback: () => {}, errorCallback: () => {} });
  post({ type: "progress", stage: "rules" });
  pyodide.runPython(`
import json, checks

def _check(text, lang, scenario):
    try:
        return checks.check(text, lang, scenario or None).to_json()
    except checks.CheckInputError as exc:
        return json.dumps({"input_error": str(exc)})

for _lang in ${JSON.stringify(langs)}:
    checks.language(_lang)  # compile this page's rules now, not on the first keystroke
`);
  check = pyodide.globals.get("_check");
  post({ type: "ready" });
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
    try {
      post({ type: "result", id: data.id, report: JSON.parse(check(data.text, data.lang, data.scenario)) });
    } catch (err) {
      post({ type: "result", id: data.id, report: { input_error: String(err) } });
    }
  }
};
