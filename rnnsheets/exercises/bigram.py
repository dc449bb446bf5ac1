"""Part 2: a bigram language model with add-k smoothing, and a sentence's likelihood."""

from __future__ import annotations

from fractions import Fraction

from .. import bank, core, texmath
from ..numbers import to_plain
from ..numfmt import terminating_digits
from ..questions import Question, Statement
from ..stream import Stream
from .base import Params

KIND = "bigram"
TITLE = "A bigram language model"
STEP_FIELDS = ()
FINAL = ("T", "likelihood")
ORDER = ("vocab", "sequence", "counts", "row_totals", "T", "factors", "likelihood")
BOUNDARY = ("<s>", "</s>")


def draw(stream: Stream, settings: dict, given: dict, where: str = "") -> dict:
    """A corpus from one group of the phrase bank, and a query over its words."""
    cfg = settings[KIND]
    if "query" in given and "corpus" not in given:
        raise Params(given, where).error("corpus", "missing field (a query needs the "
                                                 "corpus it is asked about)")
    p = {"k": cfg["k"], "orientation": cfg["orientation"]}
    if cfg["boundaries"]:
        p["boundaries"] = True
    if "corpus" not in given:
        group = stream.choice(bank.GROUPS)
        n = stream.between(cfg["min_sentences"], cfg["max_sentences"])
        p["corpus"] = [s.split() for s in stream.sample(group, n)]
    p.update(given)
    if "query" not in given:
        corpus = p["corpus"] if isinstance(p["corpus"], list) else []
        words = core.vocabulary(s for s in corpus if isinstance(s, list)) or ["?"]
        p["query"] = [stream.choice(words) for _ in range(cfg["query_length"])]
    return p


def parse(params: dict, where: str) -> dict:
    """Validated params: tokenised corpus, positive k, query words from the vocabulary."""
    r = Params(params, where)
    raw = r.get("corpus")
    if isinstance(raw, str):
        raw = [line for line in raw.splitlines() if line.strip()]
    if not isinstance(raw, list) or not raw:
        raise r.error("corpus", "expected at least one sentence (a list of sentences)")
    corpus = [r.tokens(f"corpus[{i}]", s) for i, s in enumerate(raw)]
    boundaries = r.flag("boundaries") if r.has("boundaries") else False
    query = r.tokens("query")
    vocab = core.vocabulary(_wrap(corpus, boundaries))
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


def is_exact(p: dict) -> bool:
    """Counting and smoothing are always exact."""
    return True


def solve(p: dict, where: str = "") -> dict:
    """Vocabulary, counts, the smoothed table as printed, and the query's likelihood."""
    corpus = _wrap(p["corpus"], p["boundaries"])
    query = _wrap([p["query"]], p["boundaries"])[0]
    vocab = core.vocabulary(corpus)
    counts = core.bigram_counts(corpus, vocab)
    P = core.smoothed_table(counts, p["k"])
    factors, likelihood = core.sequence_probability(P, vocab, query)
    table = P if p["orientation"] == "row" else P.T
    return to_plain({
        "vocab": vocab,
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
    n = len(a["vocab"])
    counts = a["counts"] if p["orientation"] == "row" else [list(c) for c in zip(*a["counts"])]
    seq = a["sequence"]
    return {
        "n": n,
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
            r"(a\,\cdot) + k\,|V|)\). Corpus: " + " / ".join(" ".join(s) for s in p["corpus"])
            + (" (each sentence wrapped in <s> … </s>)" if p["boundaries"] else "")
            + f". The vocabulary is ordered by first appearance; in the table T, {way}.")
    return Statement(text, ())


def questions(ex) -> list[Question]:
    """The smoothed table T and the query's likelihood."""
    a, v, d = ex.answers, view(ex), ex.decimals
    counts = texmath.matrix(v["counts"], d)
    table = (
        rf"\text{{counts}} = {counts}",
        r"\text{denominators: } " + ", ".join(texmath.number(x, d) for x in v["denominators"]),
        rf"T = {texmath.matrix(a['T'], d)}",
    )
    seq = " ".join(a["sequence"])
    product = r" \cdot ".join(texmath.number(f["p"], d) for f in v["pairs"])
    return [
        Question("T", "Give the smoothed transition table T (vocabulary in order: "
                 + ", ".join(a["vocab"]) + ").", a["T"], table),
        Question("likelihood", f"What probability does the model give the sequence “{seq}”?",
                 a["likelihood"],
                 (rf"P = {product} = {texmath.number_approx(a['likelihood'], d)}",)),
    ]
