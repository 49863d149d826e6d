"""Mention detection at scale: one automaton pass per text against a str.find loop per name,
and the same over Russian texts, where every case form of every name's words is looked for.

    python benchmarks/mentions.py [--entities 10000] [--articles 5000] [--size 5000] [--json PATH]

Times are this process's CPU time by default (``--clock wall`` for elapsed time), each stage the
best of ``--repeat`` runs (3) with the English and Russian runs taking turns: the work runs
in one process, and CPU time keeps the ratios steady when other jobs share the machine.

The Russian run uses Cyrillic names of the same shape and texts whose names stand in any of
six grammatical cases; its time (preparing the word forms of every name with pymorphy3, folding
the texts, finding) is given as a ratio to the English run measured in the same run. The names
are random syllables, which the dictionary does not know: each is guessed from its ending, the
slowest case for the analyser.

Generates entity names and article texts (random syllables; nothing copied from anywhere),
times exilekg's MentionFinder over every article, and in the same run times the baseline a
user would write first: for each article, ``str.find`` in a loop for every name. The baseline
is quadratic in practice, so it is timed on a sample of articles and scaled to all of them
(the figure says so).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import time
from pathlib import Path

from exilekg.anchor import NormalizedText
from exilekg.language.morphology import fold_word, morphology
from exilekg.mentions import MentionFinder

SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ra",
    "ve",
    "to",
    "su",
    "ni",
    "pe",
    "da",
    "zo",
    "ri",
    "la",
    "mo",
    "ve",
    "sa",
    "ku",
    "te",
    "no",
    "ga",
    "bi",
    "lu",
]
WORDS = [
    "the",
    "of",
    "and",
    "in",
    "to",
    "exile",
    "opposition",
    "congress",
    "foundation",
    "survey",
    "said",
    "city",
    "war",
    "with",
    "for",
    "on",
    "by",
]


def name(rng: random.Random) -> str:
    def word() -> str:
        return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).title()

    return f"{word()} {word()}"


CYRILLIC_SYLLABLES = tuple("ка ло ми ра ве то су ни пе да зо ри ла мо ку те".split())  # noqa: SIM905
RUSSIAN_WORDS = tuple(
    "и в на эмиграции оппозиция съезд фонд опрос сказал город война с для по после заявил встреча".split()  # noqa: SIM905
)
ENDINGS = ["", "а", "у", "ом", "е", "ым"]


def russian_name(rng: random.Random) -> str:
    def word() -> str:
        return ("".join(rng.choice(CYRILLIC_SYLLABLES) for _ in range(rng.randint(2, 3))) + "ов").title()

    return f"{word()} {word()}"


def russian_article(rng: random.Random, names: list[str], size: int) -> str:
    parts: list[str] = []
    length = 0
    while length < size:
        if rng.random() < 0.05:
            ending = rng.choice(ENDINGS)
            piece = " ".join(w + ending for w in rng.choice(names).split())
        else:
            piece = rng.choice(RUSSIAN_WORDS)
        parts.append(piece)
        length += len(piece) + 1
    return " ".join(parts)


def article(rng: random.Random, names: list[str], size: int) -> str:
    parts: list[str] = []
    length = 0
    while length < size:
        piece = rng.choice(names) if rng.random() < 0.05 else rng.choice(WORDS)
        parts.append(piece)
        length += len(piece) + 1
    return " ".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entities", type=int, default=10_000)
    parser.add_argument("--articles", type=int, default=5_000)
    parser.add_argument("--size", type=int, default=5_000, help="characters per article")
    parser.add_argument("--baseline-sample", type=int, default=50, help="articles the baseline is timed on")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each stage; the best counts")
    parser.add_argument(
        "--clock",
        choices=("cpu", "wall"),
        default="cpu",
        help="cpu: this process's CPU time, which other work on a shared machine barely skews"
        " (the work is one process); wall: elapsed time",
    )
    args = parser.parse_args()
    clock = time.process_time if args.clock == "cpu" else time.perf_counter

    rng = random.Random(7)
    names = sorted({name(rng) for _ in range(args.entities * 2)})[: args.entities]
    texts = [article(rng, names, args.size) for _ in range(args.articles)]
    entities = [(f"e{i}", "Organization", [n]) for i, n in enumerate(names)]
    ru_names = sorted({russian_name(rng) for _ in range(args.entities * 2)})[: args.entities]
    ru_texts = [russian_article(rng, ru_names, args.size) for _ in range(args.articles)]
    ru_entities = [(f"r{i}", "Person", [n]) for i, n in enumerate(ru_names)]

    def english() -> tuple[tuple[float, float, float], int]:
        t0 = clock()
        finder = MentionFinder(entities)
        t_automaton = clock() - t0
        t0 = clock()
        normalized = [NormalizedText(t) for t in texts]
        t_fold = clock() - t0
        t0 = clock()
        found = sum(len(finder.find(n)) for n in normalized)
        return (t_automaton, t_fold, clock() - t0), found

    def russian() -> tuple[tuple[float, float, float], int]:
        # A fresh analyser and empty caches each time: the word forms are prepared from nothing.
        morphology.cache_clear()
        fold_word.cache_clear()
        t0 = clock()
        finder = MentionFinder(ru_entities)
        finder.find(NormalizedText(""), "ru")  # the word forms of every name, prepared once
        t_index = clock() - t0
        t0 = clock()
        normalized = [NormalizedText(t) for t in ru_texts]
        t_fold = clock() - t0
        t0 = clock()
        found = sum(len(finder.find(n, "ru")) for n in normalized)
        return (t_index, t_fold, clock() - t0), found

    # Each stage's best of --repeat runs, the two runs taking turns, as timeit does: the best
    # is the one least disturbed by other work.
    english_runs, russian_runs = [], []
    for _ in range(args.repeat):
        english_runs.append(english())
        russian_runs.append(russian())
    found, ru_found = english_runs[0][1], russian_runs[0][1]
    t_automaton, t_fold, t_find = (min(run[0][i] for run in english_runs) for i in range(3))
    t_ru_index, t_ru_fold, t_ru_find = (min(run[0][i] for run in russian_runs) for i in range(3))
    ours = t_automaton + t_fold + t_find
    t_russian = t_ru_index + t_ru_fold + t_ru_find

    sample = texts[: args.baseline_sample]
    t0 = clock()
    baseline_found = 0
    for text in sample:
        for n in names:
            pos = text.find(n)
            while pos != -1:
                baseline_found += 1
                pos = text.find(n, pos + 1)
    t_sample = clock() - t0
    t_baseline = t_sample * len(texts) / len(sample)

    figures = {
        "clock": args.clock,
        "repeat": args.repeat,
        "load_average": round(os.getloadavg()[0], 2),
        "entities": len(names),
        "articles": len(texts),
        "characters": sum(map(len, texts)),
        "mentions": found,
        "automaton_seconds": round(t_automaton, 3),
        "fold_seconds": round(t_fold, 3),
        "find_seconds": round(t_find, 3),
        "exilekg_seconds": round(ours, 3),
        "baseline_seconds_scaled": round(t_baseline, 3),
        "baseline_sample_articles": len(sample),
        "speedup": round(t_baseline / ours, 1),
        "russian_index_seconds": round(t_ru_index, 3),
        "russian_fold_seconds": round(t_ru_fold, 3),
        "russian_find_seconds": round(t_ru_find, 3),
        "russian_seconds": round(t_russian, 3),
        "russian_mentions": ru_found,
        "russian_to_english": round(t_russian / ours, 2),
    }
    print(f"{'':28}{'seconds':>10}   ({args.clock} time; load average {os.getloadavg()[0]:.2f})")
    print(f"{'build automaton':28}{t_automaton:10.2f}")
    print(f"{'fold texts':28}{t_fold:10.2f}")
    print(f"{'find mentions':28}{t_find:10.2f}")
    print(f"{'exilekg total':28}{ours:10.2f}")
    print(f"{'str.find loop (scaled)':28}{t_baseline:10.2f}   timed on {len(sample)} articles")
    print(f"ratio: exilekg is {t_baseline / ours:.1f}x faster; {found} mentions in {len(texts)} articles")
    print(f"{'Russian: word forms of names':28}{t_ru_index:10.2f}")
    print(f"{'Russian: fold texts':28}{t_ru_fold:10.2f}")
    print(f"{'Russian: find mentions':28}{t_ru_find:10.2f}")
    print(
        f"{'Russian total':28}{t_russian:10.2f}   {t_russian / ours:.2f}x the English run;"
        f" {ru_found} mentions"
    )
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
