// Exercise widgets ({{ exercise("id") }} in a page): keep the learner's draft,
// start the checker worker when an exercise comes into view or is focused, and
// show its findings. The learner's text is only ever handled as text (value,
// textContent, text nodes): never parsed as HTML.
const WORKER_URL = new URL("exercise-worker.js", import.meta.url);
const PYODIDE_URL = new URL("../pyodide/", import.meta.url);
const PAUSE_MS = 60; // a pause in typing this long triggers a check
const SEVERITIES = ["error", "warning", "tip"];

const checker = {
  worker: null,
  state: "idle", // idle | loading | ready | error
  widgets: [],
  waiting: new Map(), // request id -> widget
  nextId: 1,

  start() {
    if (this.worker || this.state === "ready") return;
    this.setState("loading");
    performance.mark("exercise:start"); // the benchmark reads these marks
    try {
      this.worker = new Worker(WORKER_URL, { type: "module" });
    } catch (err) {
      this.fail(String(err));
      return;
    }
    this.worker.onmessage = ({ data }) => this.receive(data);
    this.worker.onerror = (event) => {
      event.preventDefault();
      this.fail(event.message || "the checker stopped");
    };
    const langs = [...new Set(this.widgets.map((w) => w.lang))];
    this.worker.postMessage({ type: "init", indexURL: PYODIDE_URL.href, langs });
  },

  receive(data) {
    if (data.type === "progress") {
      performance.mark(`exercise:${data.stage}`);
      this.widgets.forEach((w) => w.progress(data.stage));
    } else if (data.type === "ready") {
      performance.mark("exercise:ready");
      this.setState("ready");
      this.widgets.forEach((w) => w.onReady());
    } else if (data.type === "failed") {
      this.fail(data.message);
    } else if (data.type === "result") {
      const widget = this.waiting.get(data.id);
      this.waiting.delete(data.id);
      if (widget) widget.show(data.id, data.report);
    }
  },

  fail(message) {
    console.warn("Exercise checker failed:", message);
    if (this.worker) this.worker.terminate();
    this.worker = null;
    this.waiting.clear();
    this.setState("error");
  },

  setState(state) {
    this.state = state;
    this.widgets.forEach((w) => w.onCheckerState(state));
  },

  request(widget, text) {
    const id = this.nextId++;
    this.waiting.set(id, widget);
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
    this.buttons = {};
    root.querySelectorAll("[data-action]").forEach((b) => (this.buttons[b.dataset.action] = b));
    this.draftKey = `srh-draft:${this.lang}:${this.id}`;
    this.latest = 0;
    this.timer = null;

    this.text.value = this.loadDraft();
    this.text.addEventListener("input", () => this.onInput());
    this.text.addEventListener("focus", () => checker.start());
    this.buttons.check.addEventListener("click", () => this.check());
    this.buttons.retry.addEventListener("click", () => checker.start());
    this.buttons.reveal.addEventListener("click", () => this.reveal());
  }

  loadDraft() {
    try {
      return localStorage.getItem(this.draftKey) || "";
    } catch {
      return "";
    }
  }

  saveDraft() {
    try {
      if (this.text.value) localStorage.setItem(this.draftKey, this.text.value);
      else localStorage.removeItem(this.draftKey);
    } catch {
      /* storage full or disabled: the text stays in the box */
    }
  }

  setState(state) {
    this.root.dataset.state = state;
  }

  say(message, verdict = null) {
    this.statusText.textContent = message;
    this.statusText.className = "exercise__status-text" + (verdict ? ` exercise__verdict exercise__verdict--${verdict}` : "");
  }

  onInput() {
    this.saveDraft();
    checker.start();
    clearTimeout(this.timer);
    if (checker.state === "ready") this.timer = setTimeout(() => this.check(), PAUSE_MS);
  }

  onCheckerState(state) {
    this.buttons.retry.hidden = state !== "error";
    this.progressBar.hidden = state !== "loading";
    if (state === "loading") {
      this.setState("loading");
      this.say(this.t.loading);
    } else if (state === "error") {
      this.setState("error");
      this.say(this.t.load_failed);
      this.selfCheck.open = true;
    }
  }

  progress() {
    this.say(this.t.loading);
  }

  onReady() {
    this.setState("ready");
    this.say(this.t.ready);
    this.selfCheck.open = false;
    if (this.text.value.trim()) this.check();
  }

  check() {
    clearTimeout(this.timer);
    if (checker.state !== "ready") {
      checker.start();
      return;
    }
    const text = this.text.value;
    if (!text.trim()) {
      this.say(this.t.empty);
      return;
    }
    this.setState("checking");
    this.latest = checker.request(this, text);
    this.pendingText = text;
  }

  show(id, report) {
    if (id !== this.latest) return; // an older request answered late
    if (report.input_error) {
      this.setState("ready");
      this.say(report.input_error.includes("limit") ? this.t.too_long_input : report.input_error);
      return;
    }
    this.render(report, this.pendingText);
    this.root.dataset.passed = String(report.passed);
    this.setState("done");
    this.say(report.passed ? this.t.passed : this.t.not_passed, report.passed ? "passed" : "failed");
    this.buttons.reveal.hidden = false;
  }

  reveal() {
    this.root.querySelector(".exercise__model").hidden = false;
    this.buttons.reveal.hidden = true;
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

function setUp() {
  const roots = document.querySelectorAll(".exercise[data-exercise]");
  if (!roots.length) return; // no exercise: load nothing
  checker.widgets = [...roots].map((root) => new Exercise(root));
  const seen = new IntersectionObserver((entries) => {
    if (entries.some((e) => e.isIntersecting)) {
      seen.disconnect();
      checker.start();
    }
  }, { rootMargin: "200px" });
  roots.forEach((root) => seen.observe(root));
}

setUp();
