// Material's search worker (imported below, unchanged), reading words the way the
// checker reads them: folded as checks/normalize.py folds text (case, accents, Arabic
// hamza and alef forms, harakat, tatweel, Hebrew niqqud) and, in Greek, Arabic and
// Estonian, finding a word's other inflections with the checker's Snowball stemmer
// (snowball/<algorithm>-stemmer.js: the JavaScript build of the same Snowball release
// as the Python snowballstemmer the checker runs).
//
// overrides/main.html starts this worker in place of Material's, naming Material's
// in the query string (?material=search.<hash>.min.js). Each language's index names
// the lunr language "fold-<lang>" (config.lang); Material's worker loads it from
// ../lunr/min/lunr.fold-<lang>.min.js, which macros/search.py writes with the folding
// table made from checks/normalize.py, and which calls searchLanguage() below.
//
// The index is folded by lunr's pipeline as each page is added, which also notes
// every word, to be stemmed. A query is read here, before Material sees it: Material
// gives every query word a trailing wildcard (search as you type) and lunr runs no
// pipeline on such a word, so it must arrive folded. A word typed alone also brings
// the words of the index that share its stem (πελάτες: πελάτη, πελατών…), each
// matched exactly. (Indexing the stems themselves would put two terms at one place
// in the text, which Material's highlighting of the results cannot take.)
"use strict";

// A word of a query: what lies between white space and lunr's query syntax (quotes,
// + and - for presence, * wildcard, : field, ~ edit distance, ^ boost), which stays
// as typed. "-" is also the word separator of every language's index.
const QUERY_WORD = /[^\s"+\-*:~^]+/gu;
const PLAIN_WORD = /^[^\s"+\-*:~^]+$/u;
// What the index keeps of a token: from its first letter or digit to its last
// (Material splits the text at white space and "-" only, so «, ( or . stick to words).
const EDGES = /^[^\p{L}\p{M}\p{N}]+|[^\p{L}\p{M}\p{N}]+$/gu;

let analyse = null;        // word -> {folded, inflections}, once the language is loaded
let stemmerLoading = null; // a promise while the language's stemmer is being imported
let typedWords = new Map(); // term of the last query -> the word typed, for its result

// Called by the language file: registers the lunr language `code`. Settings, all
// written by macros/search.py:
//   changed   a regular-expression class body of the characters checks/normalize.py
//             changes (in one pass: the text is mostly letters it leaves alone)
//   fold      {character: folded form} for those it does not remove
//   stopWords lunr language whose stop words the index drops ("en": lunr's own), or null
//   stemmer   the Snowball algorithm ("greek"), loaded from snowball/, or null
self.searchLanguage = function (code, settings) {
  const lunr = self.lunr;
  const folded = new Map(Object.entries(settings.fold));
  const changed = new RegExp(`[${settings.changed}]`, "gu");
  const fold = text => text.replace(changed, ch => folded.get(ch) ?? "");
  const stopWordFilter = settings.stopWords === "en" ? lunr.stopWordFilter
    : settings.stopWords ? lunr[settings.stopWords].stopWordFilter : null;
  // Snowball's stemmers are ES modules: a classic worker (Material's) imports them
  // with import(); queries wait for it (below), the index does not need it.
  let stemmer = null;
  stemmerLoading = settings.stemmer && import(`./snowball/${settings.stemmer}-stemmer.js`).then(module => {
    const snowball = new module.default();
    stemmer = word => snowball.stemWord(word);
    stemmerLoading = null;
    setTimeout(() => stemWords(performance.now() + 10));
  });

  const normalise = word => fold(word).replace(EDGES, "");
  // Snowball gives the Greek final ς back: fold again (σ).
  const stems = new Map();
  const stem = word => {
    if (!stems.has(word)) stems.set(word, fold(stemmer(word)));
    return stems.get(word);
  };
  // The index's words by stem. They are stemmed after the index is built (and the
  // stemmer loaded), a few milliseconds at a time, and Material's
  // search is ready as soon as it was without them; a query finishes the work if it
  // comes first, so its answer is always complete.
  const vocabulary = new Set(), wordsByStem = new Map();
  let unstemmed = null;
  const stemWords = (until = Infinity) => {
    if (!stemmer) return;
    unstemmed ??= vocabulary.values();
    for (let next = unstemmed.next(); !next.done; next = unstemmed.next()) {
      const root = stem(next.value);
      if (!wordsByStem.has(root)) wordsByStem.set(root, new Set());
      wordsByStem.get(root).add(next.value);
      if (performance.now() > until) return setTimeout(() => stemWords(performance.now() + 10));
    }
  };

  const normaliseToken = token => {
    const word = normalise(token.toString());
    return word ? token.update(() => word) : undefined;
  };
  const noteWord = token => {
    vocabulary.add(token.toString());
    return token;
  };
  lunr.Pipeline.registerFunction(normaliseToken, `${code}-normalise`);
  if (settings.stemmer) lunr.Pipeline.registerFunction(noteWord, `${code}-note-word`);

  lunr[code] = function () {  // Material calls it as it starts building the index
    this.pipeline.reset();
    this.pipeline.add(...[normaliseToken, stopWordFilter, settings.stemmer && noteWord].filter(Boolean));
    this.searchPipeline.reset(); // queries arrive folded (below)
    if (stemmer) setTimeout(() => stemWords(performance.now() + 10));  // once it is built
  };
  analyse = word => {
    const folded = normalise(word);
    if (stemmer && folded) stemWords();
    const inflections = stemmer && folded ? [...wordsByStem.get(stem(folded)) || []] : [];
    return {folded, inflections: inflections.filter(other => other !== folded && PLAIN_WORD.test(other))};
  };
};

// The query as Material and lunr will read it.
function analyseQuery(query) {
  typedWords = new Map();
  const note = (word, term) => {
    if (term && !typedWords.has(term)) typedWords.set(term, word.toLowerCase());
    return term;
  };
  return query.replace(/"[^"]*"?|\S+/gu, part => {
    if (!PLAIN_WORD.test(part))  // a phrase, +/-, a field…: each word folded, as typed
      return part.replace(QUERY_WORD, word => note(word, analyse(word).folded));
    const {folded, inflections} = analyse(part);
    // "^1" (lunr's default boost) keeps Material from adding its wildcard.
    return [...inflections.map(other => `${note(part, other)}^1`), note(part, folded)].join(" ");
  });
}

// Registered before Material's own listener, so it runs first: Material reads the
// message's data when its listener runs. A query is the only message whose data is
// a string (the index's is an object). A query that comes while the stemmer is still
// loading is held back from Material and sent again, read, once it has loaded (or
// failed to: then it is read with folding alone).
const heldBack = new WeakSet();
addEventListener("message", event => {
  const message = event.data;
  if (!analyse || !message || typeof message.data !== "string" || heldBack.has(message)) return;
  if (stemmerLoading) {
    event.stopImmediatePropagation();
    heldBack.add(message);
    const resend = () => dispatchEvent(new MessageEvent("message", {data: message}));
    stemmerLoading.then(() => { message.data = analyseQuery(message.data); resend(); },
                        error => { console.error(error); stemmerLoading = null;
                                   message.data = analyseQuery(message.data); resend(); });
    return;
  }
  message.data = analyseQuery(message.data);
});

// A result lists, for each term of the query, whether the page has it (Material shows
// the missing ones): list the words as typed instead, found if any of their terms was.
const post = self.postMessage.bind(self);
self.postMessage = message => {
  const groups = message && message.data && message.data.items;
  if (Array.isArray(groups) && typedWords.size)
    for (const item of groups.flat()) {
      const terms = {};
      for (const [term, found] of Object.entries(item.terms || {})) {
        const word = typedWords.get(term) ?? term;
        terms[word] = terms[word] || found;
      }
      item.terms = terms;
    }
  post(message);
};

const material = new URL(self.location.href).searchParams.get("material");
if (!/^[\w.-]+\.js$/.test(material || ""))  // a file beside this one, nothing else
  throw new Error(`search-analysis.js: expected ?material=<Material's search worker file>, got ${material}`);
importScripts(material);
