// A learner's progress, kept in this browser only (localStorage, nothing is sent):
//   "srh-draft:<lang>:<id>"   the draft of an exercise (written by exercise.js)
//   "srh-passed:<lang>:<id>"  when the checker first passed a text in it (ISO date)
// Imported by exercise.js; on the "All exercises" page ({{ exercise_list() }}) it
// also shows each exercise as not started, draft or passed, the count, reset and print.
export const draftKey = (lang, id) => `srh-draft:${lang}:${id}`;
export const passedKey = (lang, id) => `srh-passed:${lang}:${id}`;

// The checker passed a text in this exercise: keep the first date (a later pass
// does not move it; a reset clears it). False when storage is full or blocked.
export function recordPassed(lang, id, when = new Date()) {
  try {
    if (!localStorage.getItem(passedKey(lang, id))) localStorage.setItem(passedKey(lang, id), when.toISOString());
    return true;
  } catch {
    return false;
  }
}

// {state: "passed" | "draft" | "not-started", passed: Date | null}; throws when storage is blocked.
export function progressOf(lang, id) {
  const stamp = localStorage.getItem(passedKey(lang, id));
  const passed = stamp ? new Date(stamp) : null;
  if (passed && !Number.isNaN(passed.getTime())) return { state: "passed", passed };
  return { state: localStorage.getItem(draftKey(lang, id)) ? "draft" : "not-started", passed: null };
}

export function resetProgress(lang, id) {
  localStorage.removeItem(draftKey(lang, id));
  localStorage.removeItem(passedKey(lang, id));
}

// Dates in the reader's own variant of the page's language (en-GB: 5 Mar 2025;
// en-US: Mar 5, 2025), else in the page's language.
function dateFormat(lang) {
  const own = (navigator.languages || []).find((tag) => tag.split("-")[0].toLowerCase() === lang);
  return new Intl.DateTimeFormat(own || lang, { dateStyle: "medium" });
}

const fill = (template, values) => template.replace(/\{(\w+)\}/g, (all, key) => (key in values ? values[key] : all));

class ProgressList {
  constructor(root) {
    this.root = root;
    this.lang = root.dataset.lang;
    this.t = JSON.parse(root.querySelector(".exercise-progress__strings").textContent);
    this.dates = dateFormat(this.lang);
    this.tools = root.querySelector(".exercise-progress__tools");
    this.count = root.querySelector(".exercise-progress__count");
    this.items = [...root.querySelectorAll("a[data-progress-exercise]")].map((link) => {
      const item = link.closest("li");
      const status = document.createElement("span");
      status.className = "exercise-progress__status";
      const reset = document.createElement("button");
      reset.type = "button";
      reset.className = "exercise-progress__reset";
      reset.textContent = this.t.progress_reset;
      reset.setAttribute("aria-label", `${this.t.progress_reset}: ${link.textContent}`);
      reset.addEventListener("click", () => this.reset([entry], fill(this.t.progress_confirm_one, { title: link.textContent }), reset));
      link.after(" ", status, " ", reset);
      const entry = { id: link.dataset.progressExercise, link, item, status, reset };
      return entry;
    });
    root.querySelector('[data-progress-action="reset-all"]').addEventListener("click", (event) =>
      this.reset(this.items, this.t.progress_confirm_all, event.currentTarget));
    root.querySelector('[data-progress-action="print"]').addEventListener("click", () => window.print());
    this.tools.hidden = false;
    this.render();
    // Passed or drafted in another tab, or back here from an exercise (back/forward cache).
    window.addEventListener("storage", () => this.render());
    window.addEventListener("pageshow", () => this.render());
  }

  render() {
    const today = this.dates.format(new Date());
    this.root.querySelector(".exercise-progress__printed").textContent = fill(this.t.progress_printed, { date: today });
    let passed = 0;
    try {
      for (const entry of this.items) {
        const { state, passed: when } = progressOf(this.lang, entry.id);
        if (state === "passed") passed++;
        entry.item.dataset.progress = state;
        entry.status.textContent = state === "passed" ? fill(this.t.progress_passed, { date: this.dates.format(when) })
          : state === "draft" ? this.t.progress_draft : this.t.progress_not_started;
        entry.reset.hidden = state === "not-started";
      }
    } catch {
      // Storage blocked: nothing can be read or kept, and saying "not started" would be untrue.
      this.root.dataset.progress = "unavailable";
      this.count.textContent = this.t.progress_unavailable;
      this.items.forEach((entry) => { entry.status.textContent = ""; entry.reset.hidden = true; });
      return;
    }
    delete this.root.dataset.progress;
    this.count.textContent = fill(this.t.progress_count, { passed, total: this.items.length });
  }

  reset(entries, question, from) {
    if (!window.confirm(question)) return;
    try {
      entries.forEach((entry) => resetProgress(this.lang, entry.id));
    } catch {
      // blocked: render() says so
    }
    this.render();
    // The pressed "Reset" is hidden now: keep the keyboard's place on the exercise's link.
    if (from.hidden) entries[0].link.focus();
  }
}

document.querySelectorAll(".exercise-progress[data-lang]").forEach((root) => new ProgressList(root));
