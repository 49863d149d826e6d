"""The seed build's mentions of every person the seed records agree with a reader's count.

The counts were made by reading the five reference articles (../shared/corpus/seeds): every
occurrence of a person's name, full or surname alone, headlines, bylines, quotes and link
titles included, possessives and "anti-Putin" too; a name inside a URL is no mention
(Konstantin Bogomolov's appears only in one). The test skips when the articles are absent.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from exilekg.corpus import read_corpus
from exilekg.mentions import entity_names, find_mentions

from .conftest import SEED_CORPUS

LONDON, RALLY, ABEDIN, FINIAREL, REM = (
    "doc-london-exiles",
    "doc-unleashed-exile-rally",
    "doc-abedin-russians-unite",
    "doc-mt-finiarel-2024",
    "doc-rem-chasm-2025",
)

READER = {
    "vladimir-putin": {LONDON: 6, RALLY: 16, ABEDIN: 5, FINIAREL: 7, REM: 2},
    "alexei-navalny": {LONDON: 2, RALLY: 1},
    "alexander-litvinenko": {LONDON: 1},
    "marina-litvinenko": {LONDON: 1},
    "vladimir-ashurkov": {LONDON: 1},
    "mikhail-khodorkovsky": {RALLY: 1, REM: 1},
    "garry-kasparov": {RALLY: 1},
    "maria-pevchikh": {RALLY: 1, FINIAREL: 1},
    "joseph-stalin": {ABEDIN: 1},
    "zain-ul-abedin": {ABEDIN: 1},
    "marat-gelman": {ABEDIN: 1},
    "alexander-morozov": {ABEDIN: 1},
    "vitalij-manski": {ABEDIN: 1},
    "alexander-finiarel": {FINIAREL: 1},
    "dana-moss": {FINIAREL: 1},
    "yossi-shain": {FINIAREL: 2},
    "dmitry-gudkov": {FINIAREL: 1},
    "andrei-movchan": {FINIAREL: 1},
    "maxim-mironov": {FINIAREL: 1},
    "leonid-volkov": {FINIAREL: 1},
    "maxim-katz": {FINIAREL: 2, REM: 1},
    "grigory-beryozkin": {FINIAREL: 1},
    "dmitry-peskov": {FINIAREL: 1},
    "svetlana-tikhanovskaya": {REM: 2},
    "yevgeny-chichvarkin": {REM: 1},
    "boris-zimin": {REM: 1},
    "lev-shlosberg": {REM: 1},
    "roman-backer": {REM: 1},
    "daria-krasovskaia": {REM: 1},
    "monika-jaroszewicz": {REM: 1},
    "magdalena-lesinska": {REM: 1},
    "katarzyna-homel": {REM: 1},
    "konstantin-bogomolov": {},
}


def test_every_seed_person_is_mentioned_as_often_as_a_reader_counts(seeds_dir: Path) -> None:
    corpus = read_corpus(SEED_CORPUS, texts_dir=seeds_dir)
    people = {rid for rid, kind, _ in entity_names(corpus) if kind == "Person"}
    assert people == set(READER), "a person was added to or removed from the seed: count them"
    counted: dict[str, Counter[str]] = {person: Counter() for person in people}
    mentions = find_mentions(corpus)
    for document in mentions:
        found = mentions[document]
        assert not found.ambiguous, found.ambiguous
        for mention in found:
            if mention.entity in counted:
                counted[mention.entity][document] += 1
    assert {p: dict(c) for p, c in counted.items()} == READER
