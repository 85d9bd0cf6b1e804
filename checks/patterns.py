r"""Token patterns: how rule data says what to look for, and how it is run.

A pattern is a sequence of token tests, in the spirit of LanguageTool's <token>
lists and Stanford's TokensRegex, written on one line:

    refund          a word: any token with that reading or the same stem
                    (refunds, refunded; ولاسترداد, since clitics are readings too)
    =no             exactly that reading, not the stem
    ==no            exactly that word as typed, not what its clitics or
                    contractions read as (==מלא is never read as לא); also ==w* ==*w
    a&b  a&!b       one token that passes both tests (@remedy_verb&==י*), or the first
                    and not the second (*firma&!=firma); (a|b)&!c is a&!c|b&!c
    \?              a character the syntax uses, as a word (a literal question mark)
    refund*  *ατε   a reading that starts / ends with this
    @remedy         an instance of a cue class (the language's [cues] table)
    _               any one token of the same sentence;  _{0,4}  up to four of them
    $               the end of a sentence, the last one included (so "$ but" is "but"
                    opening the next one)
    x?  x{1,3}      x optional, x one to three times
    (a|b c|@d)      one of several: a, or b followed by c, or @d
                    (| separates alternatives as in a regular expression)
    x[neg]  x[!q]   x's first token carries (or lacks) a tag (also (a|b)[neg]): neg (under negation),
                    refused (under a refusing negation: can't, won't, policy), q (in a
                    question), cap (typed with a capital letter), first (the first word
                    of its sentence), word (a word, not punctuation)
    ^x              in a cue class entry: the head, where tags asked of the whole
                    instance (@class[!neg]) are tested (else its first token)

In a rule's `patterns`, and in a cue class, an entry may also be a table with
antipatterns of its own, {pattern = "...", unless = ["..."]}: its matches that
overlap one are dropped, while a rule's `unless` applies to every pattern. When a
class entry's head (^) is itself a class instance, that instance's head counts.

Everything is folded as texts are (case, accents, niqqud, hamza forms), so rule data
is written in natural spelling. Skips are lazy and bounded, so a match is always the
shortest one and checking takes time linear in the text.

Under the hood every token becomes one run of keys in a string ("=refunded",
"~refund", "@remedy", "#neg" ...), and a pattern compiles to one regular expression
over that string. Cue classes are tagged before any rule runs, each class with
pattern entries by its own expression, so a rule tests a class with a single key.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

TOK, SEP = "\x02", "\x03"
PREFIX = "\x01"       # ends a first key that stands for every key beginning with it
SUFFIX = "\x04"       # follows the marker of a first key that stands for every key ending so


def wild(key: str) -> bool:
    """Whether a first key stands for many keys (a beginning or an ending), not one."""
    return key.endswith(PREFIX) or key[1:2] == SUFFIX
_REST = f"[^{TOK}]*"
END_ITEM = f"{TOK}{SEP}\\${SEP}"   # the item between two sentences: only the `$` unit matches it
MAX_SKIP = 60          # the largest {m,n} a pattern may use: keeps checking linear
FLAGS = ("neg", "refused", "q", "cap", "first", "word")
_LEX = re.compile(r"""
    (?P<ws>\s+)
  | (?P<open>\()
  | (?P<close>\))
  | (?P<quant>\?|\{\d+(?:,\d+)?\})
  | (?P<bar>\|)
  | (?P<unit>(?:\\.|[^\s()|?{}\[\]\\]|\[[^\]\s]*\])+)
""", re.X)
_UNIT = re.compile(r"^(?P<base>[^\[]+)(?:\[(?P<cond>[^\]]*)\])?$")


class PatternError(ValueError):
    """A pattern that cannot be read; the message says what is wrong."""


# --- the parse tree --------------------------------------------------------------

@dataclass(frozen=True)
class Unit:
    kind: str        # word | exact | prefix | suffix | cls | any | end
    value: str = ""
    flags: tuple[tuple[str, bool], ...] = ()   # (flag, wanted)
    head: bool = False   # ^: where tags asked of the whole class instance are tested


@dataclass(frozen=True)
class Seq:
    items: tuple = ()


@dataclass(frozen=True)
class Alt:
    options: tuple = ()


@dataclass(frozen=True)
class Repeat:
    node: object
    low: int
    high: int


def _lex(source: str):
    pos, out = 0, []
    while pos < len(source):
        m = _LEX.match(source, pos)
        if m is None:
            raise PatternError(f"cannot read {source[pos:pos + 12]!r}")
        out.append((m.lastgroup, m.group(), m.start(), m.end()))
        pos = m.end()
    return out


class _Parser:
    def __init__(self, source: str, word, units: dict | None = None):
        self.source = source
        self.word = word          # folds and splits a literal word into units
        self.units = units        # unit text -> its node, shared by a language's patterns
        lexemes = _lex(source)
        self.items = []
        for i, (kind, text, start, end) in enumerate(lexemes):
            if kind == "ws":
                continue
            self.items.append((kind, text))
        self.pos = 0

    def peek(self):
        return self.items[self.pos][0] if self.pos < len(self.items) else None

    def take(self):
        item = self.items[self.pos]
        self.pos += 1
        return item

    def parse(self):
        if not self.items:
            raise PatternError("the pattern is empty")
        node = self.alt()
        if self.pos != len(self.items):
            raise PatternError(f"unexpected {self.items[self.pos][1]!r}")
        return node

    def alt(self):
        options = [self.seq()]
        while self.peek() == "bar":
            self.take()
            options.append(self.seq())
        return options[0] if len(options) == 1 else Alt(tuple(options))

    def seq(self):
        items = []
        while self.peek() not in (None, "close", "bar"):
            item = self.item()
            # a word that splits ("don't", "cannot") is its parts in a row, not a group
            items.extend(item.items if isinstance(item, Seq) and self._split_word(item) else (item,))
        if not items:
            raise PatternError("an empty alternative or group")
        return items[0] if len(items) == 1 else Seq(tuple(items))

    @staticmethod
    def _split_word(node) -> bool:
        return all(isinstance(u, Unit) and u.kind == "word" for u in node.items)

    def item(self):
        node = self.atom()
        if self.peek() != "quant":
            return node
        text = self.take()[1]
        if self.peek() == "quant":
            raise PatternError("two repeats on one item")
        if text == "?":
            return Repeat(node, 0, 1)
        low, _, high = text[1:-1].partition(",")
        low, high = int(low), int(high or low)
        if high < low or high > MAX_SKIP or high == 0:
            raise PatternError(f"bad repeat {text} (at most {{0,{MAX_SKIP}}})")
        if high > 1 and _repeats(node):
            # (x{0,5}){0,9} would let one start position try 5 x 9 ways and more:
            # checking would no longer be linear in the text.
            raise PatternError("a repeat inside a repeat (write the bounds on one of them)")
        return Repeat(node, low, high)

    def atom(self):
        kind = self.peek()
        if kind == "open":
            self.take()
            node = self.alt()
            if self.peek() != "close":
                raise PatternError("a '(' is not closed")
            self.take()
            if self.peek() == "unit" and self.items[self.pos][1].startswith("&"):
                # (a|b)&!c: every alternative, one token each, must also pass the tests
                node = self._and_each(node, self.take()[1])
            if self.peek() == "unit" and self.items[self.pos][1].startswith("["):
                # (a|b)[tags]: each alternative's first token carries the tags
                tags = self.unit("_" + self.take()[1]).flags
                node = _with_flags(node, tags)
            return node
        if kind == "unit":
            return self.unit(self.take()[1])
        if kind is None:
            raise PatternError("the pattern ends too early")
        raise PatternError(f"unexpected {self.take()[1]!r}")

    def _and_each(self, node, text: str):
        # "&!@c[tags]" is read as if it followed a word: "x&!@c[tags]", then x is dropped
        tests = self.unit("x" + text)
        options = node.options if isinstance(node, Alt) else (node,)
        if not all(isinstance(o, Unit) and o.kind not in ("any", "end") for o in options):
            raise PatternError(f"(...){text}: & joins one-token tests, so every alternative "
                               "in the group must be a single word or class")
        joined = []
        for option in options:
            parts = option.value if option.kind == "and" else ((Unit(option.kind, option.value), False),)
            joined.append(Unit("and", parts + tests.value[1:], option.flags + tests.flags, option.head))
        return joined[0] if len(joined) == 1 else Alt(tuple(joined))

    def unit(self, text: str):
        # The same few hundred units ("@you", "(we|i)" parts) recur across a language's
        # thousands of patterns: reading each once is a good part of its load time.
        if self.units is None:
            return self._unit(text)
        node = self.units.get(text)
        if node is None:
            node = self.units[text] = self._unit(text)
        return node

    def _unit(self, text: str):
        m = _UNIT.match(text)
        if m is None:
            raise PatternError(f"cannot read {text!r}")
        base, cond = m.group("base"), m.group("cond")
        head = base.startswith("^") and len(base) > 1
        if head:
            base = base[1:]
        flags = []
        if cond is not None:
            for flag in cond.split(","):
                wanted = not flag.startswith("!")
                name = flag.lstrip("!")
                if name not in FLAGS:
                    raise PatternError(f"unknown tag [{flag}] (tags: {', '.join(FLAGS)})")
                flags.append((name, wanted))
        flags = tuple(flags)
        if base.startswith("&") or base.endswith("&"):
            raise PatternError(f"{base!r}: & stands between two one-token tests (a&b, a&!b, (a|b)&!c)")
        if "&" in base.strip("&"):
            # a&b: one token that passes both tests (e.g. a class and a form); a&!b:
            # passes a and not b (*firma&!=firma: a compound, not the word itself)
            parts = []
            for part in base.split("&"):
                negated = part.startswith("!") and len(part) > 1
                unit = self._unit(part[1:] if negated else part)
                if not isinstance(unit, Unit) or unit.kind in ("end", "and") or (unit.kind == "any" and negated):
                    raise PatternError(f"{base!r}: & joins one-token tests only")
                parts.append((unit, negated))
            if all(negated for _, negated in parts):
                raise PatternError(f"{base!r}: at least one test must say what the token is")
            if any(unit.kind == "any" for unit, _ in parts) and not all(
                    negated for unit, negated in parts if unit.kind != "any"):
                # _&!@contrast: any word but a contrast; _&@x would just be @x
                raise PatternError(f"{base!r}: with _ every other test must be a 'not' (_&!@class)")
            return Unit("and", tuple(parts), flags, head)
        if "\\" in base:
            base = re.sub(r"\\(.)", r"\1", base)   # \? is a literal ?
        if base == "_":
            return Unit("any", "", flags, head)
        if base == "$":
            return Unit("end", "", flags, head)
        if base.startswith("@"):
            if not re.fullmatch(r"@[a-z][a-z0-9_]*", base):
                raise PatternError(f"bad cue class name {base!r}")
            return Unit("cls", base[1:], flags, head)
        if base.startswith("==") and len(base) > 2:
            # the word as typed (folded), not what its clitics or contractions read as
            rest = base[2:]
            if rest.endswith("*") and len(rest) > 1:
                return Unit("surface_prefix", self.word(rest[:-1], whole=True), flags, head)
            if rest.startswith("*") and len(rest) > 1:
                return Unit("surface_suffix", self.word(rest[1:], whole=True), flags, head)
            return Unit("surface", self.word(rest, whole=True), flags, head)
        if base.startswith("*") and base.endswith("*"):
            raise PatternError(f"{base!r}: use word* or *word, not both")
        if base.startswith("=") and "*" in base:
            raise PatternError(f"{base!r}: =word is one exact word; write word* for a beginning "
                               "(or ==word* for the beginning of the word as typed)")
        if base.endswith("*") and len(base) > 1:
            return Unit("prefix", self.word(base[:-1], whole=True), flags, head)
        if base.startswith("*") and len(base) > 1:
            return Unit("suffix", self.word(base[1:], whole=True), flags, head)
        if base.startswith("=") and len(base) > 1:
            if "*" in base:
                raise PatternError(f"{base!r}: =word is one exact word; write word* for a beginning "
                                   "(or ==word* for the beginning of the word as typed)")
            return Unit("exact", self.word(base[1:], whole=True), flags, head)
        if "*" in base or "=" in base or "^" in base:
            raise PatternError(f"cannot read {base!r}")
        parts = self.word(base)
        units = [Unit("word", part, flags if i == 0 else (), head and i == 0) for i, part in enumerate(parts)]
        return units[0] if len(units) == 1 else Seq(tuple(units))


def _with_flags(node, flags):
    if isinstance(node, Unit):
        return Unit(node.kind, node.value, node.flags + flags, node.head)
    if isinstance(node, Alt):
        return Alt(tuple(_with_flags(o, flags) for o in node.options))
    if isinstance(node, Seq):
        return Seq((_with_flags(node.items[0], flags),) + node.items[1:])
    return Repeat(_with_flags(node.node, flags), node.low, node.high)


def _repeats(node) -> bool:
    if isinstance(node, Repeat):
        return True
    if isinstance(node, Seq):
        return any(_repeats(i) for i in node.items)
    if isinstance(node, Alt):
        return any(_repeats(o) for o in node.options)
    return False


def _min_tokens(node) -> int:
    if isinstance(node, Unit):
        return 1
    if isinstance(node, Seq):
        return sum(_min_tokens(i) for i in node.items)
    if isinstance(node, Alt):
        return min(_min_tokens(o) for o in node.options)
    return node.low * _min_tokens(node.node)


def parse(source: str, word, units: dict | None = None) -> object:
    """The parse tree of one pattern. `word(text, whole=False)` folds a literal and,
    unless whole, splits it as the tokenizer would ("don't" -> ["do", "n't"]);
    `units`, a dict kept across one language's patterns, reads each unit once."""
    tree = _Parser(source, word, units).parse()
    if _min_tokens(tree) == 0:
        raise PatternError("every part is optional: the pattern would match nothing at all")
    return tree


LEXICAL_KINDS = ("word", "exact", "prefix", "suffix", "surface", "surface_prefix", "surface_suffix")


def is_lexical(node) -> bool:
    """A plain phrase of words (no classes, skips, groups or tags): cue entries of this
    shape are found by dictionary look-up, the rest are expanded into patterns."""
    units = node.items if isinstance(node, Seq) else (node,)
    return all(isinstance(u, Unit) and u.kind in LEXICAL_KINDS and not u.flags and not u.head for u in units)


def has_head(node) -> bool:
    if isinstance(node, Unit):
        return node.head
    if isinstance(node, Seq):
        return any(has_head(i) for i in node.items)
    if isinstance(node, Alt):
        return any(has_head(o) for o in node.options)
    return has_head(node.node)


def classes_used(node) -> set[str]:
    if isinstance(node, Unit):
        if node.kind == "and":
            return set().union(*(classes_used(p) for p, _ in node.value))
        return {node.value} if node.kind == "cls" else set()
    if isinstance(node, Seq):
        return set().union(*(classes_used(i) for i in node.items))
    if isinstance(node, Alt):
        return set().union(*(classes_used(i) for i in node.options))
    return classes_used(node.node)


# --- compiling to a regular expression over the token stream ---------------------

def _has(key_regex: str) -> str:
    return f"(?={_REST}{SEP}(?:{key_regex}){SEP})"


def _flag_tests(flags) -> str:
    return "".join((_has if wanted else _lacks)("#" + name) for name, wanted in flags)


def _lacks(key_regex: str) -> str:
    return f"(?!{_REST}{SEP}(?:{key_regex}){SEP})"


def class_flag_key(name: str, flag: str, wanted: bool) -> str:
    """The key an instance of a class carries on its first token when its head has
    (or lacks) a tag: "@remedy!neg" for a remedy not under negation."""
    return f"@{name}{'#' if wanted else '!'}{flag}"


@dataclass
class Compiler:
    """Compiles parse trees for one language. `stem` gives a literal's stem. Every
    cue class is tagged on the tokens before rules run (lexical classes by look-up,
    `macros` by their own patterns, in `macro_order`), so a pattern tests a class
    with one key; `flags_used` records which tags are asked of which class, so the
    analysis computes only those."""
    stem: object
    lexical: set = field(default_factory=set)        # classes with plain-phrase entries
    macros: dict = field(default_factory=dict)       # class -> [parse tree] of pattern entries
    flags_used: dict = field(default_factory=dict)   # class -> {(flag, wanted)}
    macro_unless: dict = field(default_factory=dict)  # id(entry tree) -> its antipattern trees

    def word_keys(self, word: str) -> list[str]:
        keys = ["=" + word]
        stem = self.stem(word)
        if stem and "~" + stem not in keys:
            keys.append("~" + stem)
        return keys

    def key_regex(self, unit: Unit) -> str:
        if unit.kind == "word":
            return "|".join(re.escape(k) for k in self.word_keys(unit.value))
        marker = "%" if unit.kind.startswith("surface") else "="   # the form as typed, or any reading
        if unit.kind in ("exact", "surface"):
            return re.escape(marker + unit.value)
        if unit.kind.endswith("prefix"):
            return re.escape(marker + unit.value) + f"[^{SEP}]*"
        if unit.kind.endswith("suffix"):
            return re.escape(marker) + f"[^{SEP}]*" + re.escape(unit.value)
        raise AssertionError(unit.kind)

    def regex(self, node, heads=None, last=True) -> str:
        """The regular expression of a parse tree. `heads` (a list) asks for every head
        unit (^) to be captured in a group h0, h1, ... whose names it collects. A skip
        that ends the pattern (`sorry _{0,3}`) takes all it may: at the end nothing
        else would decide how far it reaches."""
        if isinstance(node, Seq):
            n = len(node.items)
            return "".join(self.regex(item, heads, last and k == n - 1) for k, item in enumerate(node.items))
        if isinstance(node, Alt):
            # One-word alternatives share a single token test: (a|b|c) is one token
            # with one of three keys, not three tokens tried in turn.
            words = [o for o in node.options if isinstance(o, Unit) and not o.flags and not o.head
                     and o.kind in LEXICAL_KINDS]
            rest = [self.regex(o, heads, last) for o in node.options if o not in words]
            if words:
                keys = "|".join(dict.fromkeys(self.key_regex(o) for o in words))
                rest.insert(0, f"{TOK}{_has(keys)}{_REST}")
            return rest[0] if len(rest) == 1 else "(?:" + "|".join(rest) + ")"
        if isinstance(node, Repeat):
            inner = self.regex(node.node, heads, False)
            # Plain skips are lazy (the shortest match); optional words, runs of tagged
            # tokens such as _[q]{1,40}, and a skip that ends the pattern are greedy.
            plain = isinstance(node.node, Unit) and not node.node.flags and (
                node.node.kind == "any" or (node.node.kind == "and" and node.node.value[0][0].kind == "any"))
            lazy = "?" if plain and not last else ""
            return f"(?:{inner}){{{node.low},{node.high}}}{lazy}"
        unit = node
        if unit.kind == "cls":
            out = self.class_regex(unit.value, unit.flags)
        elif unit.kind == "any":
            out = f"{TOK}(?!{SEP}\\$){_flag_tests(unit.flags)}{_REST}"
        elif unit.kind == "end":
            out = END_ITEM
        elif unit.kind == "and":
            tests = ""
            for p, negated in unit.value:
                test = _lacks if negated else _has
                if p.kind == "any":                  # _&!@x: any token of the sentence but @x
                    tests += f"(?!{SEP}\\$)" + _flag_tests(p.flags)
                elif p.kind == "cls":
                    tests += test(re.escape("@" + p.value)) + "".join(
                        _has(re.escape(class_flag_key(p.value, f, w))) for f, w in p.flags)
                else:
                    tests += test(self.key_regex(p)) + _flag_tests(p.flags)
            for p, _ in unit.value:
                if p.kind == "cls":
                    if p.value not in self.lexical and p.value not in self.macros:
                        raise PatternError(f"unknown cue class @{p.value}")
                    for flag in p.flags:
                        self.flags_used.setdefault(p.value, set()).add(flag)
            out = f"{TOK}{tests}{_flag_tests(unit.flags)}{_REST}"
        else:
            out = f"{TOK}{_has(self.key_regex(unit))}{_flag_tests(unit.flags)}{_REST}"
        if unit.head and heads is not None:
            # h<n>_<class>: when the head is itself a class instance, its own head counts
            heads.append(f"h{len(heads)}" + (f"_{unit.value}" if unit.kind == "cls" else ""))
            out = f"(?P<{heads[-1]}>{out})"
        return out

    def class_regex(self, name: str, flags: tuple) -> str:
        if name not in self.lexical and name not in self.macros:
            raise PatternError(f"unknown cue class @{name}")
        for flag in flags:
            self.flags_used.setdefault(name, set()).add(flag)
        tests = "".join(_has(re.escape(class_flag_key(name, flag, wanted))) for flag, wanted in flags)
        # The instance's other tokens are taken whole, never given back (*+): a class
        # is one unit, and backtracking into it would cost time for nothing.
        return (f"{TOK}{_has(re.escape('@' + name))}{tests}{_REST}"
                f"(?:{TOK}{_has(re.escape('&' + name))}{_REST})*+")

    def macro_order(self) -> list[str]:
        """The classes with pattern entries, each after the classes its entries use."""
        order: list[str] = []
        state: dict[str, int] = {}

        def visit(name: str, path: tuple):
            if state.get(name) == 2:
                return
            if state.get(name) == 1:
                raise PatternError(f"cue class @{name} refers to itself (through {' -> @'.join(path)})")
            state[name] = 1
            for tree in self.macros.get(name, ()):
                for used in sorted(classes_used(tree)):
                    if used in self.macros:
                        visit(used, path + (used,))
            state[name] = 2
            order.append(name)

        for name in self.macros:
            visit(name, (name,))
        return order

    def macro_patterns(self, name: str) -> tuple["Pattern", ...]:
        """The patterns that find a class's instances, one per pattern entry, with the
        entry's head captured (else the instance's first token is its head). Where
        several entries match at one token, the longest instance is the one tagged."""
        out = []
        for tree in self.macros[name]:
            heads: list[str] = []
            regex = self.regex(tree, heads)
            unless = tuple(Pattern("unless", self.regex(u), self.first_keys(u), tuple(self.required(u)))
                           for u in self.macro_unless.get(id(tree), ()))
            out.append(Pattern("@" + name, regex, self.first_keys(tree), tuple(self.required(tree)), tuple(heads),
                               unless))
        return tuple(out)

    def first_keys(self, node) -> frozenset | None:
        """Keys of which a match's first tokens must hold one (None: no cheap test)."""
        if isinstance(node, Seq):
            keys: set = set()
            for item in node.items:
                first = self.first_keys(item)
                if first is None:
                    return None
                keys |= first
                if not (isinstance(item, Repeat) and item.low == 0):
                    return frozenset(keys)
            return None
        if isinstance(node, Alt):
            keys = set()
            for option in node.options:
                first = self.first_keys(option)
                if first is None:
                    return None
                keys |= first
            return frozenset(keys)
        if isinstance(node, Repeat):
            return self.first_keys(node.node)
        if node.kind == "word":
            return frozenset(self.word_keys(node.value))
        if node.kind == "exact":
            return frozenset(["=" + node.value])
        if node.kind == "end":
            return frozenset(["$"])
        if node.kind == "any":
            wanted = [name for name, want in node.flags if want]
            return frozenset(["#" + wanted[0]]) if wanted else None
        if node.kind == "cls":
            return frozenset(["@" + node.value])
        if node.kind == "surface":
            return frozenset(["%" + node.value])
        if node.kind in ("prefix", "surface_prefix"):
            # any key that begins so: the analysis looks these up in its sorted keys
            return frozenset([("%" if node.kind == "surface_prefix" else "=") + node.value + PREFIX])
        if node.kind in ("suffix", "surface_suffix"):
            return frozenset([("%" if node.kind == "surface_suffix" else "=") + SUFFIX + node.value])
        if node.kind == "and":
            for part, negated in node.value:
                first = None if negated else self.first_keys(part)
                if first is not None:
                    return first
        return None

    def required(self, node) -> list[frozenset]:
        """Key sets of which a text must hold one each for the pattern to match
        anywhere (a cheap test before any regular expression runs)."""
        if isinstance(node, Seq):
            return [keys for item in node.items for keys in self.required(item)]
        if isinstance(node, Repeat):
            return self.required(node.node) if node.low else []
        first = self.first_keys(node)
        return [first] if first else []


@dataclass(frozen=True)
class Pattern:
    """One compiled pattern of a rule, with the source an editor wrote."""
    source: str
    expression: str             # the regular expression over the token stream
    first: frozenset | None     # a match starts at a token with one of these keys (None: anywhere)
    required: tuple = ()        # key sets a text must hold one each of, or nothing matches
    heads: tuple = ()           # a cue class's pattern: names of the groups that capture heads
    unless: tuple = ()          # this pattern's own antipatterns: a match overlapping one is dropped
    # The numbers of its exact required key sets in its language's index (None: not
    # indexed, e.g. a scenario's key terms; then each set is tested on its own).
    need: tuple | None = field(default=None, compare=False)

    def __post_init__(self):
        # The same key sets split for quick look-ups: exact keys, and beginnings.
        split = lambda keys: (frozenset(k for k in keys if not wild(k)),  # noqa: E731
                              tuple(k for k in keys if wild(k)))
        object.__setattr__(self, "first_split", None if self.first is None else split(self.first))
        # Required sets of exact keys only (one set test each), and those with wild keys.
        object.__setattr__(self, "required_plain", tuple(
            frozenset(keys) for keys in self.required if not any(wild(k) for k in keys)))
        object.__setattr__(self, "required_split", tuple(
            split(keys) for keys in self.required if any(wild(k) for k in keys)))
        # Without a `$` a match never crosses into the next sentence (no other unit
        # matches the item between them), so its required keys must all be in the
        # sentence where it starts: a start in any other sentence need not be tried.
        object.__setattr__(self, "one_sentence", END_ITEM not in self.expression)

    def __getstate__(self):
        # A pickled pattern (a language's ready-read copy) compiles on first use again.
        return {k: v for k, v in self.__dict__.items() if k != "regex"}

    @cached_property
    def regex(self) -> re.Pattern:
        # Compiled on first use: most patterns never run on a given reply (their
        # required keys are absent), and compiling all of them is most of the time
        # a language takes to load, which a learner waits for in the browser.
        return re.compile(self.expression)


def index_required(patterns) -> dict[str, tuple[int, ...]]:
    """Number every distinct required set of exact keys among the patterns, and give
    each pattern the numbers of its own sets (`need`). Returns key -> the numbers of the
    sets that hold the key: gathered over a text's keys, they say at once which sets
    the text meets, so a pattern that cannot match anywhere is ruled out with one
    subset test (most of a language's patterns, on most replies) rather than one set
    test each. Small numbers, not bit masks: the wheel carries this index pickled."""
    number: dict[frozenset, int] = {}
    sets_of: dict[str, list[int]] = {}
    for pattern in patterns:
        need = []
        for keys in pattern.required_plain:
            if keys not in number:
                number[keys] = n = len(number)
                for key in keys:
                    sets_of.setdefault(key, []).append(n)
            need.append(number[keys])
        object.__setattr__(pattern, "need", tuple(need))
    return {key: tuple(ns) for key, ns in sets_of.items()}
