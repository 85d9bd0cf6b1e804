// Exercise widgets ({{ exercise("id") }} in a page): keep the learner's draft,
// start the checker worker when an exercise comes near the view or is focused (only
// when focused if the learner saves data), and show its findings. The learner's text is only ever handled as text (value,
// textContent, text nodes): never parsed as HTML.
import { draftKey, recordPassed } from "./progress.js";

const WORKER_URL = new URL("exercise-worker.js", import.meta.url);
// The service worker that keeps the runtime and this language's pages for offline
// use and later visits: at the site's root, so its scope is the whole site.
const OFFLINE_URL = new URL("../../service-worker.js", import.meta.url);
const PAUSE_MS = 60; // a pause in typing this long triggers a check
const STALL_MS = 30_000; // loading: no byte and no step this long, and the load has stalled
const ANSWER_MS = 20_000; // a check unanswered this long: the worker is taken for dead
const SEVERITIES = ["error", "warning", "tip"];
const CHECKING_MS = 250; // a check slower than this shows "Checking…" (a quick one would only flicker)
const ANNOUNCE_GAP_MS = 150; // the same verdict again, asked for with "Check": clear, then say it anew
// What Python's str.strip() takes away (the checker's own test for an empty text):
// wider than JavaScript's trim(), which keeps U+001C–U+001F and U+0085.
const BLANK = /^[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$/;

// One worker per page, shared by its exercises. Started once (exercise in view or
// box focused); after a load failure only the learner's "Try again" starts it again.
// A worker that dies is restarted once, automatically; dying again before it has
// answered a check is a failure, with "Try again".
const checker = {
  worker: null,
  state: "idle", // idle | loading | ready | error
  failure: "load", // why the state is "error": load | stopped
  widgets: [],
  inFlight: new Map(), // request id -> {widget, timer}
  nextId: 1,
  restarted: false, // restarted automatically since the last answer
  watchdog: null,
  maxChars: 5000, // the worker tells the checker's own limit when it is ready

  start() {
    if (this.state === "idle") this.launch();
  },

  retry() {
    if (this.state !== "error") return;
    this.restarted = false;
    this.launch();
  },

  launch() {
    this.stop();
    this.setState("loading");
    performance.mark("exercise:start"); // the benchmark reads these marks
    let worker;
    try {
      worker = new Worker(WORKER_URL, { type: "module" });
    } catch (err) {
      this.fail(String(err));
      return;
    }
    this.worker = worker;
    worker.onmessage = ({ data }) => {
      if (this.worker === worker) this.receive(data, worker);
    };
    worker.onerror = (event) => {
      event.preventDefault();
      if (this.worker === worker) this.died(event.message || "the worker reported an error");
    };
    this.armWatchdog();
    const langs = [...new Set(this.widgets.map((w) => w.lang))];
    const lock = navigator.locks ? `srh-exercise-worker:${Date.now()}:${Math.random()}` : null;
    const memoryGB = navigator.deviceMemory || null; // too little: the worker starts without its snapshot
    worker.postMessage({ type: "init", runtime: runtimeFiles(this.widgets[0].root), langs, lock, memoryGB });
    worker.lockName = lock;
  },

  // Stop the current worker (if any) and forget what it was asked.
  stop() {
    clearTimeout(this.watchdog);
    for (const { timer } of this.inFlight.values()) clearTimeout(timer);
    this.inFlight.clear();
    if (this.worker) this.worker.terminate();
    this.worker = null;
  },

  armWatchdog() {
    clearTimeout(this.watchdog);
    this.watchdog = setTimeout(() => this.fail(`the runtime stalled: nothing for ${STALL_MS / 1000} s`), STALL_MS);
  },

  // The worker holds a lock for its whole life: waiting for that lock is waiting
  // for the worker to die (terminated, crashed, out of memory).
  watchLife(worker) {
    navigator.locks.request(worker.lockName, () => {
      if (this.worker === worker) this.died("the worker stopped");
    }).catch(() => {});
  },

  receive(data, worker) {
    if (data.type === "alive") {
      if (navigator.locks && worker.lockName) this.watchLife(worker);
    } else if (data.type === "activity") {
      if (this.state === "loading") this.armWatchdog();
    } else if (data.type === "progress") {
      this.armWatchdog();
      performance.mark(`exercise:${data.stage}`);
      this.widgets.forEach((w) => w.progress(data.stage));
    } else if (data.type === "ready") {
      clearTimeout(this.watchdog);
      if (data.maxChars) this.maxChars = data.maxChars;
      performance.mark("exercise:ready");
      this.setState("ready");
      this.widgets.forEach((w) => w.onReady());
    } else if (data.type === "failed") {
      this.fail(data.message);
    } else if (data.type === "crashed") {
      this.died(data.message);
    } else if (data.type === "result") {
      const request = this.inFlight.get(data.id);
      if (!request) return;
      clearTimeout(request.timer);
      this.inFlight.delete(data.id);
      this.restarted = false; // it answered: a later death may be restarted again
      request.widget.answer(data.id, data.report);
      offline.keep(request.widget.lang); // the learner has used an exercise
    }
  },

  died(message) {
    console.warn("Exercise checker stopped:", message);
    if (this.restarted) {
      this.fail(message, "stopped");
    } else {
      this.restarted = true;
      this.launch(); // the widgets check their text again once it is ready
    }
  },

  fail(message, why = "load") {
    console.warn("Exercise checker failed:", message);
    this.stop();
    this.failure = why;
    this.setState("error");
  },

  setState(state) {
    this.state = state;
    this.widgets.forEach((w) => w.onCheckerState(state));
  },

  request(widget, text) {
    const id = this.nextId++;
    const timer = setTimeout(() => {
      if (this.inFlight.has(id)) this.died(`no answer in ${ANSWER_MS / 1000} s`);
    }, ANSWER_MS);
    this.inFlight.set(id, { widget, timer });
    this.worker.postMessage({ type: "check", id, text, lang: widget.lang, scenario: widget.id });
    return id;
  },
};

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "class") node.className = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) node.append(child); // strings become text nodes
  return node;
}

// Python reports offsets in code points; the DOM counts UTF-16 units.
function utf16Offsets(text) {
  const map = [0];
  let units = 0;
  for (const ch of text) {
    units += ch.length;
    map.push(units);
  }
  return map;
}

class Exercise {
  constructor(root) {
    this.root = root;
    this.id = root.dataset.exercise;
    this.lang = root.dataset.lang;
    this.base = root.dataset.root || "";
    this.t = JSON.parse(root.querySelector(".exercise__strings").textContent);
    this.text = root.querySelector("textarea");
    this.statusText = root.querySelector(".exercise__status-text");
    this.progressBar = root.querySelector(".exercise__progress");
    this.feedback = root.querySelector(".exercise__feedback");
    this.selfCheck = root.querySelector(".exercise__self-check");
    this.summary = root.querySelector(".exercise__summary"); // the verdict in brief, beside the box
    this.printReply = root.querySelector(".exercise__print-reply");
    this.model = root.querySelector(".exercise__model");
    this.model.hidden = true; // shown once the learner has tried (visible without JavaScript)
    this.buttons = {};
    root.querySelectorAll("[data-action]").forEach((b) => (this.buttons[b.dataset.action] = b));
    this.draftKey = draftKey(this.lang, this.id);
    this.draftNote = el("p", { class: "exercise__draft-note", id: `${this.text.id}-draft-note`, hidden: "" });
    this.text.after(this.draftNote);
    this.checkingTimer = null;
    this.sayTimer = null;
    this.announce = false; // the learner pressed "Check": say the verdict even if it is unchanged
    this.stored = true; // the draft is in localStorage (false: storage full or blocked)
    this.edits = 0; // counts changes of the text: an answer about an older text is stale
    this.sent = null; // the request in flight: {id, edits, text}; one at a time
    this.due = false; // a check is due as soon as the request in flight comes back
    this.timer = null;

    this.text.value = this.loadDraft();
    this.printReply.textContent = this.text.value;
    this.showDraftNote();
    this.text.addEventListener("input", () => this.onInput());
    this.text.addEventListener("focus", () => checker.start());
    this.buttons.check.addEventListener("click", () => {
      this.announce = true;
      this.check();
    });
    this.buttons.retry.addEventListener("click", () => checker.retry());
    this.summary.addEventListener("click", (event) => {
      if (this.feedback.hidden) return;
      event.preventDefault(); // no new history entry: scroll to the findings and move focus there
      this.feedback.scrollIntoView({ block: "start" });
      this.feedback.focus({ preventScroll: true });
    });
  }

  loadDraft() {
    try {
      return localStorage.getItem(this.draftKey) || "";
    } catch {
      this.setStored(false); // storage blocked: say so before the learner writes anything
      return "";
    }
  }

  saveDraft() {
    try {
      if (this.text.value) localStorage.setItem(this.draftKey, this.text.value);
      else localStorage.removeItem(this.draftKey);
      this.setStored(true);
    } catch {
      this.setStored(false); // storage full or blocked: the text stays only in the box
    }
  }

  setStored(stored) {
    if (stored !== this.stored) {
      this.stored = stored;
      if (stored) this.text.removeAttribute("aria-describedby");
      else this.text.setAttribute("aria-describedby", this.draftNote.id);
      if (this.root.dataset.state === "error") this.say(this.failureMessage());
    }
    this.showDraftNote();
  }

  // Under the box, quietly (not a live region): "saved" while there is a draft,
  // or, in bold and tied to the box, that it could not be saved.
  showDraftNote() {
    const note = this.stored ? (this.text.value ? this.t.draft_saved : "") : this.t.draft_not_saved;
    if (this.draftNote.textContent !== note) this.draftNote.textContent = note;
    this.draftNote.hidden = !note;
    this.draftNote.classList.toggle("exercise__draft-note--lost", !this.stored);
  }

  setState(state) {
    this.root.dataset.state = state;
  }

  // A live region re-announces every change: say only what is new, so checks made
  // while the learner types are heard only when their verdict changes. "Check"
  // pressed is a question, answered even when the verdict is the same (said anew).
  say(message, verdict = null, again = false) {
    const className = "exercise__status-text" + (verdict ? ` exercise__verdict exercise__verdict--${verdict}` : "");
    clearTimeout(this.sayTimer);
    if (this.statusText.textContent === message && this.statusText.className === className) {
      if (!again) return;
      this.statusText.textContent = "";
      this.sayTimer = setTimeout(() => (this.statusText.textContent = message), ANNOUNCE_GAP_MS);
      return;
    }
    this.statusText.textContent = message;
    this.statusText.className = className;
  }

  // The summary beside the box: "Passes", "2 errors · 1 warning", "Checking…", or nothing.
  showSummary(text, kind = "") {
    clearTimeout(this.checkingTimer);
    if (this.summary.textContent !== text) this.summary.textContent = text;
    this.summary.hidden = !text;
    this.summary.dataset.verdict = kind;
  }

  // "Checking…" only if the answer takes a while; the verdict on show stays until then.
  showChecking() {
    clearTimeout(this.checkingTimer);
    this.checkingTimer = setTimeout(() => this.showSummary(this.t.checking, "checking"), CHECKING_MS);
  }

  // Findings counted as they are listed: one per rule, by severity, in the page's plural forms.
  counts(report) {
    const severityOf = new Map(report.findings.map((f) => [f.rule, f.severity]));
    const plural = new Intl.PluralRules(this.lang);
    return SEVERITIES.map((severity) => {
      const n = [...severityOf.values()].filter((s) => s === severity).length;
      const forms = this.t[`count_${severity}`];
      return n ? (forms[plural.select(n)] || forms.other).replace("{n}", String(n)) : null;
    }).filter(Boolean).join(" · ");
  }

  failureMessage() {
    const why = checker.failure === "stopped" ? this.t.checker_stopped : this.t.load_failed;
    return `${why} ${this.stored ? this.t.draft_saved : this.t.draft_not_saved}`;
  }

  // Why this text cannot be checked (in the page's language), or null.
  inputProblem(text) {
    if (BLANK.test(text)) return this.t.empty;
    if (text.length > checker.maxChars && [...text].length > checker.maxChars) return this.t.too_long_input;
    return null;
  }

  // Feedback about another text is worse than none: highlights, findings, verdict.
  clearFeedback() {
    this.feedback.replaceChildren();
    this.feedback.hidden = true;
    this.showSummary("");
    delete this.root.dataset.passed;
    this.root.querySelectorAll(".exercise__rule--fired").forEach((li) => li.classList.remove("exercise__rule--fired"));
  }

  onInput() {
    this.edits++;
    this.saveDraft();
    this.printReply.textContent = this.text.value;
    clearTimeout(this.timer);
    checker.start(); // only the first time: after a failure, only "Try again" restarts it
    const problem = this.inputProblem(this.text.value);
    if (problem) {
      this.clearFeedback();
      if (checker.state === "ready") {
        this.due = false;
        this.setState("ready");
        this.say(problem);
      }
    } else if (checker.state === "ready") {
      this.timer = setTimeout(() => this.check(), PAUSE_MS);
    } else {
      this.clearFeedback(); // it cannot be checked now: the old verdict is about another text
      if (checker.state === "loading") this.showChecking(); // checked as soon as the checker is ready
    }
  }

  onCheckerState(state) {
    this.buttons.retry.hidden = state !== "error";
    this.progressBar.hidden = state !== "loading";
    if (state === "ready") return;
    this.sent = null; // whatever was asked of the old worker will not be answered
    this.due = false;
    clearTimeout(this.timer);
    if (state === "loading") {
      this.setState("loading");
      this.say(this.t.loading);
      if (!BLANK.test(this.text.value)) this.showChecking();
    } else if (state === "error") {
      this.setState("error");
      this.say(this.failureMessage());
      this.showSummary("");
      this.selfCheck.open = true;
      this.model.hidden = false; // no feedback: the rules and the model answer are what is left
    }
  }

  progress() {
    this.say(this.t.loading);
  }

  onReady() {
    this.setState("ready");
    this.say(this.t.ready);
    this.selfCheck.open = false;
    if (!BLANK.test(this.text.value)) this.check();
  }

  check() {
    clearTimeout(this.timer);
    if (checker.state === "idle") checker.start();
    if (checker.state !== "ready") return; // loading: checked once ready; error: "Try again"
    const text = this.text.value;
    const problem = this.inputProblem(text);
    if (problem) {
      this.clearFeedback();
      this.setState("ready");
      this.say(problem, null, this.announce);
      this.announce = false;
      return;
    }
    this.setState("checking");
    this.showChecking();
    if (this.sent) {
      this.due = true; // one request at a time: the newest text goes when it comes back
      return;
    }
    this.due = false;
    this.sent = { id: checker.request(this, text), edits: this.edits, text };
  }

  answer(id, report) {
    const sent = this.sent;
    if (!sent || sent.id !== id) return;
    this.sent = null;
    if (this.due) {
      this.check(); // the text changed while this one was checked: check the newest
    } else if (sent.edits === this.edits) {
      this.show(report, sent.text);
    } // else: changed since, and that change has its own check coming (or needs none)
  }

  show(report, text) {
    const again = this.announce;
    this.announce = false;
    if (report.input_error) {
      this.clearFeedback();
      this.setState("ready");
      const known = { empty: this.t.empty, too_long: this.t.too_long_input }[report.input_error];
      this.say(known || this.t.check_failed, null, again);
      if (!known) this.selfCheck.open = true;
      return;
    }
    this.render(report, text);
    this.root.dataset.passed = String(report.passed);
    this.setState("done");
    const counts = this.counts(report);
    if (report.passed) {
      this.showSummary(this.t.summary_passes, "passed");
      this.say(this.t.passed, "passed", again);
      recordPassed(this.lang, this.id); // progress, on the "All exercises" page
    } else {
      this.showSummary(counts, "failed");
      this.say(`${this.t.not_passed} ${counts}`, "failed", again);
    }
    this.model.hidden = false;
  }

  render(report, text) {
    const fired = new Map();
    for (const f of report.findings) {
      if (!fired.has(f.rule)) fired.set(f.rule, []);
      fired.get(f.rule).push(f);
    }
    const parts = [this.markedText(report, text)];
    for (const severity of SEVERITIES) {
      const items = [...fired.values()].filter((fs) => fs[0].severity === severity);
      if (!items.length) continue;
      const heading = { error: this.t.errors, warning: this.t.warnings, tip: this.t.tips }[severity];
      parts.push(el("h4", {}, heading));
      parts.push(el("ul", { class: "exercise__findings" }, ...items.map((fs) => this.findingItem(fs))));
    }
    // What the checker saw (an apology, a question, a fix) is "met"; a harmful
    // phrasing it did not see is only "not found": it may have missed it.
    const quiet = Object.entries(this.t.rule_titles).filter(([rule]) => !fired.has(rule));
    const presence = new Set(this.t.presence_rules);
    for (const [group, heading, rules] of [
      ["met", this.t.rules_passed, quiet.filter(([rule]) => !presence.has(rule))],
      ["not-found", this.t.rules_not_found, quiet.filter(([rule]) => presence.has(rule))],
    ]) {
      if (!rules.length) continue;
      parts.push(el("details", { class: `exercise__${group}` },
        el("summary", {}, `${heading} (${rules.length})`),
        el("ul", {}, ...rules.map(([rule, title]) => el("li", { "data-quiet-rule": rule }, title)))));
    }
    this.feedback.replaceChildren(...parts);
    this.feedback.hidden = false;
    this.root.querySelectorAll(".exercise__rules [data-check]").forEach((li) => {
      li.classList.toggle("exercise__rule--fired", fired.has(li.dataset.check));
    });
  }

  findingItem(findings) {
    const f = findings[0];
    const link = el("a", { href: this.base + f.url }, `${this.t.learn_more}: ${f.principle_title}`);
    const excerpts = findings.filter((x) => x.excerpt && x.rule !== "too-long")
      .map((x) => el("q", { class: "exercise__excerpt" }, x.excerpt));
    return el("li", { "data-rule": f.rule, "data-severity": f.severity, class: `exercise__finding exercise__finding--${f.severity}` },
      el("strong", {}, this.t.rule_titles[f.rule] || f.rule), " ",
      el("span", { class: `exercise__severity exercise__severity--${f.severity}` }, this.t[`severity_${f.severity}`]), " ",
      ...excerpts.flatMap((q) => [q, " "]),
      el("span", { class: "exercise__rule-message" }, f.message), " ",
      link);
  }

  markedText(report, text) {
    const map = utf16Offsets(text);
    const spans = report.findings
      .filter((f) => f.start !== null && f.rule !== "too-long")
      .map((f) => ({ start: map[f.start], end: map[f.end], f }))
      .sort((a, b) => a.start - b.start || b.end - a.end);
    const box = el("div", { class: "exercise__marked", dir: "auto", lang: this.lang, "aria-label": this.t.marked_text });
    let at = 0;
    for (const { start, end, f } of spans) {
      if (start < at) continue; // overlaps an earlier mark: listed below, not marked twice
      box.append(text.slice(at, start));
      box.append(el("mark", { "data-mark-rule": f.rule, class: `exercise__mark--${f.severity}`, title: this.t.rule_titles[f.rule] || f.rule },
        text.slice(start, end)));
      at = end;
    }
    box.append(text.slice(at));
    return el("figure", { class: "exercise__marked-figure" }, el("figcaption", {}, this.t.marked_text), box);
  }
}

// The runtime's files this build serves, as the page names them (data-runtime, paths
// from the site's root; every file's folder is named by the hash of its content, so
// a publish reaches a returning learner however long a host lets them be cached).
function runtimeFiles(root) {
  const site = new URL(root.dataset.root || "./", location.href);
  const files = JSON.parse(root.dataset.runtime);
  const at = (path) => new URL(path, site).href;
  const snapshots = {};
  for (const [lang, snapshot] of Object.entries(files.snapshots || {})) snapshots[lang] = { ...snapshot, url: at(snapshot.url) };
  const rules = {};
  for (const [lang, path] of Object.entries(files.rules || {})) rules[lang] = at(path);
  return { index: at(files.index), stdlib: at(files.stdlib), lock: at(files.lock), snapshots, rules };
}

// The learner saves data (Save-Data) or pays for it (a cellular or 2G connection):
// the runtime (several megabytes) waits until they focus a box, and the offline copy
// leaves out the memory snapshots.
function savingData() {
  const connection = navigator.connection;
  return !!connection && (connection.saveData === true || connection.type === "cellular" ||
    /(^|-)2g$/.test(connection.effectiveType || ""));
}

// Once the learner has used an exercise (its first findings), the service worker
// keeps the runtime and this language's pages: later pages start from the memory
// snapshot, and the handbook works offline. Not on a mere page view.
const offline = {
  kept: new Set(),

  keep(lang) {
    if (this.kept.has(lang) || !("serviceWorker" in navigator) || !window.isSecureContext) return;
    this.kept.add(lang);
    performance.mark("exercise:offline-requested"); // the benchmark reads these marks
    navigator.serviceWorker.register(OFFLINE_URL)
      .then(() => navigator.serviceWorker.ready)
      .then((registration) => new Promise((resolve, reject) => {
        const channel = new MessageChannel();
        channel.port1.onmessage = ({ data }) => (data.type === "kept" ? resolve() : reject(new Error(data.message)));
        registration.active.postMessage({ type: "keep", lang, snapshots: !savingData() }, [channel.port2]);
      }))
      .then(() => performance.mark("exercise:precached"))
      .catch((err) => console.info("Exercise checker: no offline copy:", err && err.message ? err.message : err));
  },
};

function linkedExercise() {
  try {
    const target = location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)));
    return !!(target && target.closest(".exercise[data-exercise]"));
  } catch {
    return false; // a malformed fragment
  }
}

function setUp() {
  const roots = document.querySelectorAll(".exercise[data-exercise]");
  if (!roots.length) return; // no exercise: load nothing
  checker.widgets = [...roots].map((root) => new Exercise(root));
  if (savingData()) return; // only focus, typing or "Check" starts the runtime
  // Arrived by a link to an exercise ("All exercises" links each one): the browser is
  // scrolling it into view, so start as soon as this task (which also runs Material's
  // set-up on DOMContentLoaded) ends, not at the first frame after it.
  if (linkedExercise()) {
    setTimeout(() => checker.start());
    return;
  }
  const seen = new IntersectionObserver((entries) => {
    if (entries.some((e) => e.isIntersecting)) {
      seen.disconnect();
      checker.start();
    }
  }, { rootMargin: "200px" });
  roots.forEach((root) => seen.observe(root));
}

setUp();
