// The checker's Web Worker: loads Pyodide and the `checks` wheel from this site
// (assets/pyodide/), then answers check requests. Nothing leaves the browser.
let check = null;

async function init({ indexURL, langs }) {
  post({ type: "progress", stage: "runtime" });
  const { loadPyodide } = await import(new URL("pyodide.mjs", indexURL).href);
  const pyodide = await loadPyodide({ indexURL, stdout: () => {}, stderr: () => {} });
  post({ type: "progress", stage: "checker" });
  await pyodide.loadPackage("checks", { messageCallback: () => {}, errorCallback: () => {} });
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
      post({ type: "failed", message: String(err && err.message ? err.message : err) });
    }
  } else if (data.type === "check") {
    try {
      post({ type: "result", id: data.id, report: JSON.parse(check(data.text, data.lang, data.scenario)) });
    } catch (err) {
      post({ type: "result", id: data.id, report: { input_error: String(err) } });
    }
  }
};
