// The language switcher keeps the reader's place. Its links are written at build
// time, one per language, to the same page; only the page knows its #anchor.
// An anchor that exists on the other page too (a rule, an exercise, a heading given
// an id of its own) is carried over as it is. Other headings take their ids from
// their translated text ("say-i", "_5", "utle-mina"): such a heading is found by its
// position among the page's headings, since translations keep the English sections.
(() => {
  const KEY = "srh-switch-heading";
  const headings = () => [...document.querySelectorAll(
    "article.md-content__inner :is(h1, h2, h3, h4, h5, h6)[id]")];
  const links = () => document.querySelectorAll(".md-select__link[hreflang]");

  // The links stay relative (the site works from any sub-path): only their hash changes.
  function carryHash() {
    for (const link of links()) {
      link.setAttribute("href", link.getAttribute("href").split("#")[0] + location.hash);
    }
  }

  // Before the browser follows a switcher link: remember which heading it was.
  function remember(event) {
    const link = event.target instanceof Element && event.target.closest(".md-select__link[hreflang]");
    if (!link || !location.hash) return;
    carryHash();
    const id = decodeURIComponent(location.hash.slice(1));
    const index = headings().findIndex((heading) => heading.id === id);
    try {
      if (index < 0) sessionStorage.removeItem(KEY);
      else sessionStorage.setItem(KEY, JSON.stringify({ url: link.href, index, count: headings().length }));
    } catch { /* storage blocked: the anchor still goes along, as it is */ }
  }

  // Arriving from a switcher link: go to the heading in the same position, when the
  // two pages have the same headings (a translation behind its English page may not).
  function arrive() {
    let saved = null;
    try {
      saved = JSON.parse(sessionStorage.getItem(KEY));
      sessionStorage.removeItem(KEY);
    } catch { return; }
    if (!saved || saved.url !== location.href) return;
    if (document.getElementById(decodeURIComponent(location.hash.slice(1)))) return;
    const heading = headings().length === saved.count && headings()[saved.index];
    if (heading) location.replace("#" + encodeURIComponent(heading.id));
  }

  arrive();
  carryHash();
  addEventListener("hashchange", carryHash);
  document.addEventListener("click", remember, true);
  document.addEventListener("auxclick", remember, true);
})();
