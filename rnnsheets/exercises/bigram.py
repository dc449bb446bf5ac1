"""Part 2: a bigram language model with add-k smoothing, and a sentence's likelihood."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from itertools import combinations

import numpy as np

from .. import bank, texmath
from ..carry import held
from ..errors import InputError
from ..numbers import to_plain
from ..numfmt import terminating_digits
from ..questions import Answer, Question, Statement, Step, literal, words
from ..rounding import shown
from ..settings import Flag, OneOf, Positive, Whole
from ..stream import Stream
from ..timing import Work
from .base import Mistake, Params, redraw, slip

KIND = "bigram"
TITLE = "A bigram language model"
SETTINGS = {"sentences": Whole(3, 2, 4),  # the corpus (a bank group holds 4)
            "vocab": Whole(4, 3, 7),  # words in the corpus, the same on every variant
            "k": Positive(1),  # 1 = Laplace smoothing
            "query_length": Whole(3, 2, 8),
            "orientation": OneOf("row", ("row", "column")),  # row: rows are the previous word
            "boundaries": Flag(False)}  # wrap sentences in <s> ... </s>
CLI_OPTIONS = ("k", "orientation")
#: What a sheet can lay out: the table has a row and a column per word.
MAX_VOCAB = 10
MAX_SENTENCES = 12
FINAL = ("T", "likelihood")
ORDER = ("vocab", "contexts", "outcomes", "sequence", "counts", "row_totals", "T", "factors",
         "likelihood")
BOUNDARY = ("<s>", "</s>")


def _run_together(p: dict) -> dict | None:
    if len(p["corpus"]) < 2:
        return None
    return {**p, "corpus": [[w for s in p["corpus"] for w in s]]}


MISTAKES = (
    Mistake("no_smoothing", "no smoothing",
            "count(a b) / count(a ·): the k added to every count (and k|V| to the "
            "denominator) was left out.", lambda p: {**p, "k": Fraction(0)}),
    Mistake("no_kV", "smoothing without k|V| in the denominator",
            "(count(a b) + k) / count(a ·): k was added to each count but k|V| not to "
            "the denominator, so a line no longer sums to 1.", slip("no_kV")),
    Mistake("flipped_orientation", "table's orientation flipped",
            "The table was written the other way round: previous words along the other "
            "side than the sheet asks.",
            lambda p: {**p, "orientation": "column" if p["orientation"] == "row" else "row"}),
    Mistake("across_sentences", "pairs counted across sentences",
            "The last word of a sentence was counted as followed by the first word of the "
            "next; pairs are counted inside one sentence only.", _run_together),
)


def check_settings(section: dict, where: str) -> None:
    """Sizes the phrase bank can draw: some group must give a corpus of that many sentences
    and words with a pair seen twice."""
    n = section["sentences"]
    sizes = sorted({len(vocabulary(c)) for g in bank.GROUPS
                    for c in combinations([s.split() for s in g], n) if _repeats(c)})
    if section["vocab"] not in sizes:
        raise InputError(f"{where}.vocab", f"the phrase bank has no {n} sentences with "
                         f"{section['vocab']} words and a pair seen twice; with {n} sentences "
                         f"choose one of {', '.join(map(str, sizes))}")


def _repeats(corpus) -> bool:
    pairs = [(a, b) for s in corpus for a, b in zip(s, s[1:])]
    return len(pairs) > len(set(pairs))


# --- the maths: counting, smoothing, a sequence's probability -----------------------


def vocabulary(sentences: Sequence[Sequence[str]]) -> list[str]:
    """Tokens in order of first appearance."""
    return list(dict.fromkeys(tok for s in sentences for tok in s))


def bigram_counts(sentences: Sequence[Sequence[str]], contexts: Sequence[str],
                  outcomes: Sequence[str] | None = None) -> np.ndarray:
    """counts[i, j]: how often outcomes[j] directly follows contexts[i] within a sentence
    (outcomes: the contexts, for a square table)."""
    outcomes = contexts if outcomes is None else outcomes
    row, col = {w: i for i, w in enumerate(contexts)}, {w: j for j, w in enumerate(outcomes)}
    counts = np.zeros((len(contexts), len(outcomes)), dtype=int)
    for s in sentences:
        for a, b in zip(s, s[1:]):
            counts[row[a], col[b]] += 1
    return counts


def smoothed_table(counts: np.ndarray, k: Fraction, slip: str = "") -> np.ndarray:
    """P[i, j] = (counts[i, j] + k) / (sum_j counts[i, j] + k * outcomes): rows sum to 1.

    ``slip`` ``no_kV``: a misconception's denominator, sum_j counts[i, j] alone (a line with
    a denominator of 0 is then 0)."""
    n = counts.shape[1]
    totals = counts.sum(axis=1)
    P = np.empty(counts.shape, dtype=object)
    for (i, j), c in np.ndenumerate(counts):
        den = _exact(totals[i]) + (0 if slip == "no_kV" else k * n)
        P[i, j] = (_exact(c) + k) / den if den != 0 else 0 * (_exact(c) + k)
    return P


def _exact(c):
    """A count as a Fraction (a student's count, carried, may be any number)."""
    return Fraction(int(c)) if isinstance(c, (int, np.integer)) else c


def sequence_probability(P: np.ndarray, contexts: Sequence[str], query: Sequence[str],
                         outcomes: Sequence[str] | None = None):
    """The factors P(q_{i+1} | q_i) of a token sequence, and their product."""
    outcomes = contexts if outcomes is None else outcomes
    row, col = {w: i for i, w in enumerate(contexts)}, {w: j for j, w in enumerate(outcomes)}
    factors = [P[row[a], col[b]] for a, b in zip(query, query[1:])]
    product = Fraction(1)
    for f in factors:
        product *= f
    return factors, product


def lines(vocab: list[str], boundaries: bool) -> tuple[list[str], list[str]]:
    """The table's previous words (contexts) and next words (outcomes): with boundaries,
    <s> is only ever a context and </s> only ever an outcome (Jurafsky & Martin, ch. 3)."""
    if not boundaries:
        return vocab, vocab
    return [BOUNDARY[0], *vocab], [*vocab, BOUNDARY[1]]


# --- the exercise ---------------------------------------------------------------------


def draw(stream: Stream, settings: dict, given: dict, where: str = "") -> dict:
    """A corpus from one group of the phrase bank, and a query over its words, both worth
    computing (see :func:`worth`); the sizes come from the settings alone, so every
    variant of a class set has the same amount of work."""
    cfg = settings[KIND]
    if "query" in given and "corpus" not in given:
        raise Params(given, where).error("corpus", "missing field (a query needs the "
                                                 "corpus it is asked about)")
    base = {"k": cfg["k"], "orientation": cfg["orientation"]}
    if cfg["boundaries"]:
        base["boundaries"] = True

    def make() -> dict:
        p = dict(base)
        if "corpus" not in given:
            group = stream.choice(bank.GROUPS)
            p["corpus"] = [s.split() for s in stream.sample(group, cfg["sentences"])]
        p.update(given)
        if "query" not in given:
            corpus = p["corpus"] if isinstance(p["corpus"], list) else []
            known = vocabulary(s for s in corpus if isinstance(s, list)) or ["?"]
            p["query"] = [stream.choice(known) for _ in range(cfg["query_length"])]
        return p

    if "corpus" in given and "query" in given:
        return make()
    if "corpus" in given:  # the user's corpus: the best query it allows
        try:
            return redraw(make, lambda p: worth(p, corpus_rules=False), "", where)
        except InputError:
            return make()
    return redraw(make, lambda p: len(vocabulary(p["corpus"])) == cfg["vocab"] and worth(p),
                  f"a corpus and query worth computing with {cfg['vocab']} words in "
                  f"{cfg['sentences']} sentences (change [bigram] vocab or sentences)", where)


def worth(p: dict, corpus_rules: bool = True) -> bool:
    """A corpus and query worth computing by hand: some pair of words seen more than once
    (so counts differ); a query of two pairs or more mixes pairs seen in the corpus and
    pairs never seen (so smoothing matters); it repeats a word only where the corpus does."""
    corpus, query = p["corpus"], p["query"]
    if not isinstance(corpus, list) or not all(isinstance(s, list) for s in corpus):
        return True  # keep it: parse reports the user's mistake
    seen = {(a, b) for s in corpus for a, b in zip(s, s[1:])}
    asked = list(zip(query, query[1:]))
    mixed = len(asked) < 2 or (any(q in seen for q in asked)
                                and any(q not in seen for q in asked))
    return ((_repeats(corpus) or not corpus_rules) and mixed
            and all(a != b or (a, b) in seen for a, b in asked))


def parse(params: dict, where: str) -> dict:
    """Validated params: tokenised corpus, positive k, query words from the vocabulary."""
    r = Params(params, where)
    raw = r.get("corpus")
    if isinstance(raw, str):
        raw = [line for line in raw[:100_000].splitlines() if line.strip()]
    if not isinstance(raw, list) or not raw:
        raise r.error("corpus", "expected at least one sentence (a list of sentences)")
    if len(raw) > MAX_SENTENCES:
        raise r.error("corpus", f"{len(raw)} sentences; at most {MAX_SENTENCES} fit a sheet")
    corpus = [r.tokens(f"corpus[{i}]", s) for i, s in enumerate(raw)]
    boundaries = r.flag("boundaries") if r.has("boundaries") else False
    query = r.tokens("query")
    if boundaries:  # a word spelt like a marker would be counted as one
        for i, sentence in enumerate([*corpus, query]):
            if marker := next((w for w in sentence if w in BOUNDARY), None):
                field = f"corpus[{i}]" if i < len(corpus) else "query"
                raise r.error(field, f"the word {marker!r} is a sentence marker here "
                              "(boundaries = true); leave the markers out, rnnsheets adds them")
    vocab = vocabulary(_wrap(corpus, boundaries))
    n_words = len(vocabulary(corpus))
    if n_words > MAX_VOCAB:
        raise r.error("corpus", f"{n_words} different words; at most {MAX_VOCAB} fit the "
                      "transition table on a page")
    for w in _wrap([query], boundaries)[0]:
        if w not in vocab:
            raise r.error("query", f"word {w!r} is not in the corpus vocabulary "
                          f"({', '.join(vocab)})")
    if len(query) + 2 * boundaries < 2:
        raise r.error("query", "expected at least two words (a likelihood needs a pair)")
    orientation = r.choice("orientation", ("row", "column")) if r.has("orientation") else "row"
    k = r.number("k", positive=True) if r.has("k") else Fraction(1)
    return {"corpus": corpus, "k": k, "query": query, "orientation": orientation,
            "boundaries": boundaries}


def _wrap(sentences: list[list[str]], boundaries: bool) -> list[list[str]]:
    if not boundaries:
        return sentences
    return [[BOUNDARY[0], *s, BOUNDARY[1]] for s in sentences]


def is_exact(p: dict) -> bool:  # noqa: ARG001
    """Counting and smoothing are always exact."""
    return True


def solve(p: dict, where: str = "") -> dict:
    """Vocabulary, counts, the smoothed table as printed, and the query's likelihood."""
    corpus = _wrap(p["corpus"], p["boundaries"])
    query = _wrap([p["query"]], p["boundaries"])[0]
    vocab = vocabulary(p["corpus"])
    contexts, outcomes = lines(vocab, p["boundaries"])
    counts = held("counts", bigram_counts(corpus, contexts, outcomes))
    P = shown(smoothed_table(counts, p["k"], p.get("slip", "")))
    row = p["orientation"] == "row"
    table = held("T", P if row else P.T)
    factors, likelihood = sequence_probability(table if row else table.T, contexts, query,
                                               outcomes)
    return to_plain({
        "vocab": vocab,
        **({"contexts": contexts, "outcomes": outcomes} if p["boundaries"] else {}),
        "sequence": query,
        "counts": counts,
        "row_totals": counts.sum(axis=1),
        "T": table,
        "factors": factors,
        "likelihood": likelihood,
    })


def view(ex) -> dict:
    """Counts and denominators in the printed orientation, and the query's pairs."""
    p, a = ex.params, ex.answers
    n = len(a.get("outcomes", a["vocab"]))  # the next words each distribution is over
    counts = a["counts"] if p["orientation"] == "row" else [list(c) for c in zip(*a["counts"])]
    seq = a["sequence"]
    return {
        "n": n,
        "contexts": a.get("contexts", a["vocab"]),
        "outcomes": a.get("outcomes", a["vocab"]),
        "counts": counts,
        "row_totals": a["row_totals"],
        "denominators": [t + p["k"] * n for t in a["row_totals"]],
        "pairs": [{"prev": seq[i], "next": seq[i + 1], "p": a["factors"][i]}
                  for i in range(len(seq) - 1)],
        "column": p["orientation"] == "column",
        "has_fraction": any(terminating_digits(v) is None for r in a["T"] for v in r),
    }


def statement(ex) -> Statement:
    """The corpus, the smoothing and which way the table reads."""
    p = ex.params
    way = ("each column is a previous word a and each row a next word b (columns sum to 1)"
           if p["orientation"] == "column" else
           "each row is a previous word a and each column a next word b (rows sum to 1)")
    text = (r"A bigram model with add-\(k\) smoothing, \(k = " + texmath.number(p["k"], 4)
            + r"\): \(P(b \mid a) = (\operatorname{count}(a\,b) + k) / (\operatorname{count}"
            r"(a\,\cdot) + k\,|V|)\). Corpus: " + " / ".join(words(s) for s in p["corpus"])
            + (" (each sentence wrapped in <s> … </s>)" if p["boundaries"] else "")
            + f". The vocabulary is ordered by first appearance; in the table T, {way}.")
    return Statement(text, ())


def questions(ex) -> list[Question]:
    """The counts, the smoothed table T and the query's likelihood."""
    p, a, v = ex.params, ex.answers, view(ex)
    vocab = ", ".join(literal(w) for w in a["vocab"])
    rows, cols = ("columns", "rows") if v["column"] else ("rows", "columns")
    markers = (" (the previous words are <s> and the words, the next words the words and "
               "</s>)" if p["boundaries"] else "")
    order = (f"previous words in order: {', '.join(literal(w) for w in v['contexts'])}; next "
             f"words: {', '.join(literal(w) for w in v['outcomes'])}" if p["boundaries"]
             else f"vocabulary in order: {vocab}")
    size = (f"\\(|\\mathcal{{V}}| = {v['n']}\\) next words (the words and </s>)"
            if p["boundaries"] else f"\\(|\\mathcal{{V}}| = {v['n']}\\)")
    counted = (
        Step(f"The vocabulary is ({vocab}), so {size}. Counts, "
             f"{rows} the previous word \\(a\\) and {cols} the next word \\(b\\):",
             r"\text{counts}", v["counts"]),
        Step("", r"\operatorname{count}(a\,\cdot)", a["row_totals"], form="row"),
    )
    line = "column" if v["column"] else "row"
    table = [
        Step(f"The denominators \\(\\operatorname{{count}}(a\\,\\cdot) + k\\,|\\mathcal{{V}}|\\) "
             f"with \\(k = {texmath.number(p['k'], 4)}\\), in the order of the previous words:",
             r"\operatorname{count}(a\,\cdot) + k\,|\mathcal{V}|", v["denominators"], form="row"),
        Step("Adding \\(k\\) to each count and dividing:", "T", a["T"]),
    ]
    if v["has_fraction"]:
        table.append(Step("", "T", a["T"], form="approx"))
    table.append(Step(f"Each {line} sums to 1."))
    pairs = ", ".join(f"({literal(f['prev'])}, {literal(f['next'])})" for f in v["pairs"])
    product = r" \cdot ".join(texmath.number(f["p"], ex.decimals) for f in v["pairs"])
    likelihood = Step(f"Multiply the probability of each pair {pairs}:",
                      f"P = {product}" if len(v["pairs"]) > 1 else "P", a["likelihood"])
    orientation = (r"every column sums to 1, since each column is a previous word \(a\) and "
                   r"each row a next word \(b\), so \(T_{ba} = P(b \mid a)\)"
                   if v["column"] else
                   r"every row sums to 1, since each row is a previous word \(a\) and each "
                   r"column a next word \(b\), so \(T_{ab} = P(b \mid a)\)")
    return [
        Question("counts", f"List the vocabulary in order of first appearance{markers}, and "
                 "count how often each word follows each other word.",
                 (Answer("counts", a["counts"], r"\text{counts}"),), counted,
                 work=Work(lookup=sum(len(s) - 1 for s in _wrap(p["corpus"], p["boundaries"])),
                           write=v["n"] * v["n"] + v["n"])),
        Question("T", f"Write down the smoothed transition table \\(T\\) ({order}). Use this "
                 f"orientation: {orientation}.",
                 (Answer("T", a["T"], "T"),), tuple(table),
                 r"Every entry of the line for \(a\) shares the denominator "
                 r"\(\operatorname{count}(a\,\cdot) + k\,|\mathcal{V}|\); only the numerators "
                 "differ.",
                 work=Work(mac=v["n"], lookup=v["n"] ** 2, write=v["n"] ** 2)),
        Question("likelihood", "What probability does the model give the word sequence "
                 f"“{words(a['sequence'])}”? Multiply the probability of each word given "
                 "the one before.", (Answer("likelihood", a["likelihood"], "P"),),
                 (likelihood,),
                 work=Work(lookup=len(v["pairs"]), mac=len(v["pairs"]) - 1, write=1)),
    ]
