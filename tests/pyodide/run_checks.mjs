// Run the checker inside real Pyodide (the pinned npm package, offline) on a
// list of cases, and print their findings as JSON: the same package the site
// serves, loaded from its wheel.
//   node tests/pyodide/run_checks.mjs CASES.json WHEEL... [--stdlib ZIP] [--rules DIR] [--bench N]
// (the checks wheel and the wheels it depends on, as the site's lock file lists them;
// --stdlib: the standard library the site serves instead of the npm package's;
// --rules: a folder of the rule copies the site serves, rules-<lang>.pickle, put
// where the worker puts them; each must be the one checks.language() then uses)
import { readdirSync, readFileSync } from "node:fs";
import { loadPyodide } from "pyodide";

// Put a rule copy where the worker puts it: the worker's own function (as data: Node
// would otherwise warn that the site's folder does not declare its scripts as modules).
const workerPython = new URL("../../docs/assets/javascripts/exercise-python.js", import.meta.url);
const { installRuleCopy } = await import("data:text/javascript;base64," + readFileSync(workerPython).toString("base64"));

const args = process.argv.slice(2);
function option(name) {
  const at = args.indexOf(name);
  if (at < 0) return null;
  const [, value] = args.splice(at, 2);
  return value;
}
const rounds = option("--bench");
const stdLibURL = option("--stdlib") || undefined;
const rulesDir = option("--rules");
const [casesFile, ...wheels] = args;
const flag = rounds !== null ? "--bench" : null;
const pyodide = await loadPyodide({ stdLibURL });
for (const wheel of wheels) pyodide.unpackArchive(new Uint8Array(readFileSync(wheel)), "wheel");
if (rulesDir) {
  for (const name of readdirSync(rulesDir).filter((n) => /^rules-[a-z]+\.pickle$/.test(n))) {
    const lang = name.slice("rules-".length, -".pickle".length);
    installRuleCopy(pyodide, lang, readFileSync(`${rulesDir}/${name}`));
    if (!pyodide.runPython(`checks.rules._thawed("${lang}") is not None`)) {
      console.error(`the rule copy ${name} is not used in Pyodide`);
      process.exit(1);
    }
  }
}
pyodide.globals.set("cases_json", readFileSync(casesFile, "utf8"));
pyodide.runPython(`
import json, checks
cases = json.loads(cases_json)
def findings(case):
    report = checks.check(case["text"], case["lang"], case.get("scenario"))
    return [[f.rule, f.start, f.end] for f in report.findings]
`);
if (flag === "--bench") {
  // Per case: loading its language's rules, the first check of the text, then the
  // latency of repeated checks (all measured inside Pyodide).
  const timeit = pyodide.runPython(`
import time
def timeit(n):
    out = []
    for case in cases:
        t = time.perf_counter()
        checks.language(case["lang"])
        load = (time.perf_counter() - t) * 1000
        t = time.perf_counter()
        findings(case)
        first = (time.perf_counter() - t) * 1000
        samples = []
        for _ in range(n):
            t = time.perf_counter()
            findings(case)
            samples.append((time.perf_counter() - t) * 1000)
        out.append({"load": load, "first": first, "warm": samples})
    return json.dumps(out)
timeit
`);
  console.log(timeit(Number(rounds || 200)));
} else {
  console.log(pyodide.runPython("json.dumps([findings(c) for c in cases])"));
}
