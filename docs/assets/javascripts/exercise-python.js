// The Python the checker's worker runs in Pyodide (exercise-worker.js), also run
// at build time by macros/runtime_build.mjs before it takes a memory snapshot, so a
// worker restored from the snapshot finds exactly what a normal start would define;
// and how both put a language's ready-read rules where checks.language() looks.
// Reports never carry English text meant for the learner: an input the checker
// refuses comes back as a code ("empty", "too_long", "invalid") that the page words.
export const SETUP = `
import json, sys
import checks

def _check(text, lang, scenario):
    if not text.strip():
        return json.dumps({"input_error": "empty"})
    if len(text) > checks.MAX_CHARS:
        return json.dumps({"input_error": "too_long"})
    try:
        return checks.check(text, lang, scenario or None).to_json()
    except checks.CheckInputError as exc:
        return json.dumps({"input_error": "invalid", "detail": str(exc)})

def _prepare(langs):
    """Compile these languages' rules now, not on the learner's first keystroke."""
    for lang in langs:
        checks.language(lang)

def _compile_some(langs, seconds):
    """Compile some of the pattern expressions these languages compile on first use,
    for about that many seconds: False while some are left. The worker runs it between
    requests once it is ready, so the learner's first check does not wait for them."""
    return all([checks.language(lang).compile_regexes(seconds) for lang in langs])

def _warm(lang):
    """Compile the language's rules and check every exercise's model answer once,
    so that a snapshot holds them ready (scenarios read, key terms compiled)."""
    _prepare([lang])
    checks.language(lang).compile_regexes()
    for scenario in checks.all_scenarios():
        if lang in scenario.texts:
            _check(scenario.text(lang).model_answer, lang, scenario.id)

def _reseed():
    """After a restore: every visit would otherwise draw the same random numbers."""
    if "random" in sys.modules:
        sys.modules["random"].seed()
`;

// A language's rules already read (checks.rules.frozen: bytes), put where
// checks.language() looks first: beside the package's rule files.
export function installRuleCopy(pyodide, lang, bytes) {
  const folder = pyodide.runPython("import os, checks.rules; os.path.dirname(checks.rules.__file__)");
  pyodide.FS.writeFile(`${folder}/rules/${lang}.pickle`, new Uint8Array(bytes));
}
