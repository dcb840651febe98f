"""What counts as a line of a solution, and where a built documentation site shows one.

The solutions are the source notebooks ``exercises/source/*.ipynb`` (the student notebooks of
``exercises/`` are generated from them). A **secret** is what nbgrader takes out of a source
notebook before a student sees it:

- the lines between ``### BEGIN SOLUTION`` and ``### END SOLUTION`` (in Markdown cells the markers
  are HTML comments, ``<!-- ### BEGIN SOLUTION -->``: the model answers of the Think! cells), and
  between ``### BEGIN HIDDEN TESTS`` and ``### END HIDDEN TESTS``;
- the whole of a solution cell (nbgrader ``solution: true``) that has no marker, which nbgrader
  replaces entirely.

**Code lines** (from code cells) are compared line by line. A line is normalised by dropping its
comment, collapsing whitespace to one space and then dropping every space that does not separate
two word characters, so ``answer = (p.v_threshold - p.v_rest) / p.R`` and
``answer=(p.v_threshold-p.v_rest)/p.R`` are the same line. A line is *not* a secret when:

1. it is blank or only a comment: comments say what a line does, the line itself is what gives an
   answer away (and the prose check below covers text);
2. it is an import (``import x``, ``from x import y``): the same few imports open every notebook
   and every module;
3. it also occurs (normalised) in a released student notebook ``exercises/*.ipynb``: the student
   has it already, e.g. the prompt line ``answer = ...  # a current, e.g. 0.5*nA``, the ``def``
   line and docstring of a function question;
4. it is trivially common: fewer than three operands, where an operand is a name that is not a
   Python keyword, or a number, outside strings (an f-string's ``{...}`` fields are code):
   ``plt.show()``, ``else:``, ``answer = high``, ``return 0 * Hz``, ``ax.set_xlabel("frequency (Hz)")``.
   An answer needs at least three operands (``answer = 1 / p.t_ref``, ``answer = rest.v[-1]``);
   a line with fewer is a control word, an argument-less call or one name copied to another, and
   occurs in code that knows nothing of the course.

A code secret is found when its normalised text occurs in the site's normalised text, starting and
ending at a word boundary (so ``answer = rest.v[-1]`` is found inside ``>>> answer = rest.v[-1]``).

**Prose** (Markdown solution regions: the model answers) is wrapped differently on a page than in
the notebook, with emphasis and links in between. It is compared as runs of `SHINGLE` consecutive
words; a word is a run of letters and digits, lower case. Formulas are left out on both sides
(``$...$`` and ``$$...$$`` in Markdown, ``\\(...\\)`` and ``\\[...\\]`` on a page): they are the
book's closed forms, which the notebooks' theory sections and the user guide state on purpose, and
their TeX (``\\frac``, ``\\text{th}``) would make any two formulas look alike; what a model answer
adds is the argument around them. A run that also occurs in a student notebook's text is not a
secret (the student has read it). Eight words are a clause: two texts written independently share
one only when one quotes the other.

The site's text is every file of the built site that decodes as UTF-8 (pages, highlighted sources
in ``_modules/``, ``searchindex.js``, copied notebooks, downloads) and the decompressed object
inventory. For an HTML file it is the text a reader sees (a paragraph, a table cell, a block of code
each apart) plus every attribute value (an image's alternative text, a title), entities decoded; for
a notebook or JSON file, its strings as well (a notebook's lines are JSON strings, quotes escaped).

**Answers every student shares.** Most graded values depend on the student (their neuron, their
step, their frequency); the site runs the notebooks without a student id, so it shows the default
numbers, which are nobody's graded answer (the autograder grades each submission against the
student it was collected from, and the panels show the book's closed forms for the named presets
on purpose). A question whose expected value is the same for every student (`shared_questions`:
today the classic neuron's rheobase and the membrane's filter type) is answered for everyone by one
sentence, so no sentence of the site may state it: `answer_leaks` looks for the question's subject
(`SUBJECTS`) in the same sentence as a value the question itself grades correct. The highlighted
sources (``_modules/``) are left out of this check: the question bank is the grader, it computes
every expected value, and it is installed with the package on every student's machine; its
docstrings are on the API pages, which are checked.
"""

import io
import json
import keyword
import re
import tokenize
import zlib
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

SHINGLE = 8  # words in a run of prose

#: For each question every student answers alike (see `shared_questions`): what a sentence that
#: gives its answer away talks about, as regular expressions that must all match it (the classic
#: neuron's rheobase, not the rheobase of another neuron that 1 nA is below). A new shared question
#: needs an entry (a test says so).
SUBJECTS = {
    "00.classic_rheobase": (r"rheobase|threshold", r"classic|LIF_Step|LIF_Sinus"),
    "03.filter_type": (r"filter|membrane",),
    "02.no_t_ref_limit": (r"refractor|t_ref|t_\\text\{ref\}", r"without|no |zero|= ?0"),
    "02.steep_onset": (r"rheobase|onset|leaves? 0|from zero", r"slope|steep|rise|rises"),
    "02.euler_gain": (r"Euler", r"gain|amplitude"),
    "03.gain_per_decade": (r"decade|tenfold|ten times|slope", r"gain"),
    "03.phase_far_above_cutoff": (r"phase|lag", r"far above|high frequenc|large|approach|asymptot|limit"),
    "01.near_rheobase": (r"first spike|spike time", r"rheobase"),
    "01.halved_width": (r"jump|pulse", r"width|wide|half|narrow"),
    "01.superposition_breaks": (r"superposition|prediction|linear",),
    "05.irregular_regime": (r"irregular|regular|CV|coefficient of variation|variab",),
    "04.averaging": (r"average|mean|sample|longer|record", r"uncertaint|standard error|error|spread|precis"),
    "04.spikes_only": (r"spike time|spikes alone|only the spike|without the voltage|no voltage",
                       r"tau|t_ref|time constant|refractor|identif"),
}

_BEGIN = re.compile(r"^\s*(<!--\s*)?### BEGIN (SOLUTION|HIDDEN TESTS)\s*(-->)?\s*$")
_END = re.compile(r"^\s*(<!--\s*)?### END (SOLUTION|HIDDEN TESTS)\s*(-->)?\s*$")
_IMPORT = re.compile(r"^(import\s|from\s+\S+\s+import\s)")
_OPERAND = re.compile(r"[A-Za-z_]\w*|\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+")
_WORD = re.compile(r"[a-z0-9]+")
# A formula: $$...$$ or $...$ in Markdown, \[...\] or \(...\) on a page (MathJax's delimiters).
_MATH = re.compile(r"\$\$.*?\$\$|\$[^$\n]+\$|\\\[.*?\\\]|\\\(.*?\\\)", re.DOTALL)


@dataclass(frozen=True)
class Secret:
    """One line (code) or run of words (prose) of a solution, and where it comes from."""

    text: str  # normalised: `normal_code` or a space-separated run of `words`
    where: str  # e.g. "01_step_current.ipynb cell 11"
    kind: str  # "code" or "prose"


@dataclass
class Secrets:
    code: dict = field(default_factory=dict)  # normalised line -> Secret
    prose: dict = field(default_factory=dict)  # run of words -> Secret

    def __len__(self):
        return len(self.code) + len(self.prose)


def normal_code(line):
    """Whitespace collapsed, and dropped where it does not separate two word characters."""
    line = re.sub(r"\s+", " ", line.strip())
    return re.sub(r"(?<=\W) | (?=\W)", "", line)


def words(text):
    """The words of `text` outside its formulas (letters and digits, lower case)."""
    return _WORD.findall(_MATH.sub(" ", text).lower())


def shingles(tokens, size=SHINGLE):
    return {" ".join(tokens[i:i + size]) for i in range(len(tokens) - size + 1)}


def _source(cell):
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def solution_regions(notebook):
    """``(cell index, cell type, lines)`` for each secret region of a source notebook (a dict)."""
    regions = []
    for index, cell in enumerate(notebook["cells"]):
        lines = _source(cell).splitlines()
        found, inside = [], None
        for line in lines:
            if _BEGIN.match(line):
                inside = []
            elif _END.match(line) and inside is not None:
                found.append(inside)
                inside = None
            elif inside is not None:
                inside.append(line)
        if inside:  # an unclosed marker: nbgrader refuses the notebook; the rest is secret anyway
            found.append(inside)
        is_solution = (cell.get("metadata", {}).get("nbgrader") or {}).get("solution", False)
        if not found and is_solution:
            found = [lines]
        regions += [(index, cell["cell_type"], region) for region in found]
    return regions


def code_lines(lines):
    """The code of `lines` (one region of a code cell), comments dropped, one entry per line."""
    text = "\n".join(lines)
    common = min((len(x) - len(x.lstrip()) for x in lines if x.strip()), default=0)
    text = "\n".join(x[common:] for x in lines)
    kept = text.splitlines()
    try:  # cut each line at its comment (a "#" in a string is not one)
        for token in tokenize.generate_tokens(io.StringIO(text + "\n").readline):
            if token.type == tokenize.COMMENT:
                row, col = token.start
                kept[row - 1] = kept[row - 1][:col]
    except (tokenize.TokenError, IndentationError, SyntaxError):  # not Python (a %magic, a fragment)
        kept = [re.sub(r"(^|\s)#.*$", "", x) for x in kept]
    return [x for x in kept if x.strip()]


_STRING = re.compile(r"(?<!\w)([rRbBuUfF]{0,2})([\"'])(.*?)(?<!\\)\2")


def _without_text(line):
    # A string's words are text, not operands; an f-string's replacement fields are code.
    def code_of(match):
        return " ".join(re.findall(r"\{([^{}]*)\}", match[3])) if "f" in match[1].lower() else " "

    return _STRING.sub(code_of, line)


def operands(line):
    """The names (not keywords) and numbers of a line of code, outside its strings."""
    return [t for t in _OPERAND.findall(_without_text(line)) if not keyword.iskeyword(t)]


def is_trivial(line):
    """Blank, an import, or fewer than three operands (rules 1, 2 and 4 of the module docstring)."""
    stripped = line.strip()
    return not stripped or bool(_IMPORT.match(stripped)) or len(operands(stripped)) < 3


def public_text(student_notebooks):
    """What every student has: the normalised code lines and the word runs of the released notebooks."""
    lines, runs = set(), set()
    for path in student_notebooks:
        for cell in json.loads(Path(path).read_text(encoding="utf-8"))["cells"]:
            text = _source(cell)
            lines |= {normal_code(x) for x in text.splitlines()}
            runs |= shingles(words(text))
    return lines, runs


def secrets_of(source_notebooks, student_notebooks):
    """The `Secrets` of the source notebooks, without what the student notebooks show."""
    public_lines, public_runs = public_text(student_notebooks)
    secrets = Secrets()
    for path in source_notebooks:
        path = Path(path)
        for index, cell_type, region in solution_regions(json.loads(path.read_text(encoding="utf-8"))):
            where = f"{path.name} cell {index}"
            if cell_type == "code":
                for line in code_lines(region):
                    text = normal_code(line)
                    if not is_trivial(line) and text not in public_lines:
                        secrets.code.setdefault(text, Secret(text, where, "code"))
            else:
                for run in shingles(words("\n".join(region))) - public_runs:
                    secrets.prose.setdefault(run, Secret(run, where, "prose"))
    return secrets


# Where a page's text breaks as a paragraph does (a sentence does not go on past them).
_BLOCKS = {"p", "div", "li", "ul", "ol", "tr", "td", "th", "table", "caption", "dt", "dd", "dl", "section",
           "h1", "h2", "h3", "h4", "h5", "h6", "br", "pre", "blockquote", "script", "style", "title"}


class _Text(HTMLParser):
    """The text of a page, and its attribute values apart (so they do not split a sentence)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.attributes = [], []

    def handle_starttag(self, tag, attrs):
        self.attributes += [value for _, value in attrs if value]
        if tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag):
        if tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_data(self, data):
        self.parts.append(data)


def html_text(markup):
    """What a reader sees of a page (highlighted code as its source lines), then every attribute value."""
    parser = _Text()
    parser.feed(markup)
    parser.close()
    return "".join(parser.parts) + "\n\n" + "\n\n".join(parser.attributes)


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def site_texts(site):
    """``(path relative to the site, text)`` for every text file of a built site."""
    site = Path(site)
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        relative = str(path.relative_to(site))
        data = path.read_bytes()
        if path.name == "objects.inv":  # four header lines, then zlib
            head = b"".join(data.splitlines(keepends=True)[:4])
            data = head + zlib.decompress(data[len(head):])
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            continue  # an image or a font
        if path.suffix in (".html", ".htm"):
            text = html_text(text)
        elif path.suffix in (".ipynb", ".json"):  # a notebook's lines are JSON strings, quotes escaped
            try:
                text = "\n".join(list(_strings(json.loads(text))) + [text])
            except ValueError:
                pass
        yield relative, text


def leaks_in(text, secrets):
    """The secrets that `text` contains."""
    found = []
    if secrets.code:
        flat = normal_code(text)
        for line, secret in secrets.code.items():
            start = flat.find(line)
            while start >= 0:
                end = start + len(line)
                before_ok = start == 0 or not (flat[start - 1].isalnum() or flat[start - 1] == "_") \
                    or not (line[0].isalnum() or line[0] == "_")
                after_ok = end == len(flat) or not (flat[end].isalnum() or flat[end] == "_") \
                    or not (line[-1].isalnum() or line[-1] == "_")
                if before_ok and after_ok:
                    found.append(secret)
                    break
                start = flat.find(line, start + 1)
    if secrets.prose:
        runs = shingles(words(text))
        found += [secret for run, secret in secrets.prose.items() if run in runs]
    return found


def leaks_in_site(site, secrets, texts=None):
    """``"<file>: <where> (<kind>): <secret>"`` for every secret in every text file of `site`
    (`texts`: its `site_texts` when the caller has read them already)."""
    report = []
    for relative, text in (site_texts(site) if texts is None else texts):
        report += [f"{relative}: {s.where} ({s.kind}): {s.text}" for s in leaks_in(text, secrets)]
    return report


# --------------------------------------------------------------------------------------------
# Answers every student shares
# --------------------------------------------------------------------------------------------
# A number with a unit as a page writes it: "1 nA", "1.00 nA", "1*nA", "-78.7°".
# The number must not continue a word or another number ("x12 nA", "1.5.3 nA"): `_after` checks the
# character before it (with a lookbehind first, Python's re tries the pattern at every position of the
# text: 0.32 s instead of 0.07 s over 4.3 MB of the site, 2026-12-03).
_NUMBER_UNIT = re.compile(r"(-?\d+(?:\.\d+)?)\s*\*?\s*(nA|pA|µA|μA|uA|mV|ms|kHz|Hz|MΩ|Mohm|pC|°|degrees)(?!\w)")
_NUMBER_GLUED = re.compile(r"[\w.]")
_WORD_CHAR = re.compile(r"[a-z0-9]", re.I)
_SENTENCE_END = re.compile(r"(?<=[.!?])(?=\s|$)|\n[ \t]*\n")


def _unit(name):
    from brian2 import Hz, Mohm, kHz, mV, ms, nA, pA, pcoulomb, uA

    units = {"nA": nA, "pA": pA, "µA": uA, "μA": uA, "uA": uA, "mV": mV, "ms": ms, "kHz": kHz, "Hz": Hz,
             "MΩ": Mohm, "Mohm": Mohm, "pC": pcoulomb}
    return units.get(name)  # None: degrees, a plain number


def shared_questions(bank, variants):
    """The questions of `bank` whose expected value is the same for every one of `variants`.

    Only questions with an ``expected(variant)`` (a quantity, a phase, a count, a choice): a
    function question grades code, and a mystery neuron's values never leave it.
    """
    shared = []
    for question in bank.values():
        expected = getattr(question, "expected", None)
        if not callable(expected):
            continue
        # The first variant that differs settles it (05's noisy experiments take seconds each).
        first = expected(variants[0])
        if all(_same(first, expected(v)) for v in variants[1:]):
            shared.append(question)
    return shared


def _same(a, b):
    try:
        return bool(a == b)
    except Exception:  # arrays, or values that do not compare
        return False


def _sentence(text, start, end, reach=300):
    """The sentence around ``text[start:end]``: up to the nearest sentence end or paragraph break,
    at most `reach` characters either side (data without full stops, e.g. JSON, has no sentences)."""
    low = max(0, start - reach)
    before = [m.end() for m in _SENTENCE_END.finditer(text, low, start)]
    after = _SENTENCE_END.search(text, end, min(len(text), end + reach))
    return text[(before[-1] if before else low):(after.start() if after else min(len(text), end + reach))]


def _choice_pattern(choice):
    parts = re.findall(r"[a-z0-9]+", choice.lower())
    return re.compile(r"(?<![a-z0-9])" + r"[-\s]?".join(map(re.escape, parts)) + r"(?![a-z0-9])", re.I)


def _choice_body(choice):
    """`_choice_pattern` without its lookbehind (`_after` checks the character before)."""
    parts = re.findall(r"[a-z0-9]+", choice.lower())
    return re.compile(r"[-\s]?".join(map(re.escape, parts)) + r"(?![a-z0-9])", re.I)


def _after(body, not_before, text):
    """The matches of ``(?<!not_before)body`` in `text`, as `re.finditer` finds them (the same
    matches, in the same order), with the lookbehind checked here instead of by `re`."""
    pos = 0
    while (m := body.search(text, pos)) is not None:
        if m.start() > 0 and not_before.match(text, m.start() - 1):
            pos = m.start() + 1  # finditer would try the next position
            continue
        yield m
        pos = m.end() if m.end() > m.start() else m.start() + 1  # as finditer goes on after an empty match


def answer_leaks(text, questions, variant, subjects):
    """``(question id, sentence)`` for each sentence of `text` that states a shared answer.

    A shared answer is stated when a sentence names the question's subject (`subjects`: question
    id -> regular expressions that must all match, e.g. ``("rheobase", "classic")``) and holds a
    value the question grades correct
    for `variant`: a number with a unit (in any unit of the right dimension, any rounding the
    tolerance accepts), or one of a choice question's choices (any case, with or without hyphen),
    except in a sentence that lists all of them (a prompt).
    """
    from neurodyn_lab.grading.answers import Rejected

    found = []
    graded = {}

    def correct(question, answer, key):
        if (question.id, key) not in graded:
            try:
                graded[question.id, key] = question.grade(answer, variant).status == "correct"
            except (Rejected, TypeError, ValueError):
                graded[question.id, key] = False
        return graded[question.id, key]

    numbers = None  # the numbers with a unit: found once, not once per question
    for question in questions:
        subject = [re.compile(pattern, re.I) for pattern in subjects[question.id]]
        matches = []
        choices = getattr(question, "choices", None)
        if choices:
            # Only a choice graded correct can give the answer away: the others are not searched for.
            for choice in choices:
                if correct(question, choice, choice):
                    matches += [(m, choice) for m in _after(_choice_body(choice), _WORD_CHAR, text)]
        else:
            if numbers is None:
                numbers = list(_after(_NUMBER_UNIT, _NUMBER_GLUED, text))
            for m in numbers:
                unit = _unit(m[2])
                answer = float(m[1]) * unit if unit is not None else float(m[1])
                matches += [(m, answer)] if correct(question, answer, (m[1], m[2])) else []
        for m, _ in matches:
            sentence = _sentence(text, m.start(), m.end())
            if choices and all(_choice_pattern(c).search(sentence) for c in choices):
                continue  # the question's prompt: it lists every choice
            if all(pattern.search(sentence) for pattern in subject):
                found.append((question.id, " ".join(sentence.split())))
    return found
