"""Names in running text, for ``suggest``: recognisers that run offline from their packages.

- Russian: natasha's news named-entity recogniser (slovnet, with navec embeddings), whose
  model ships inside the natasha package and runs on CPU. It finds people, places and
  organisations, lowercase words included («Фонд борьбы с коррупцией»), splits neighbouring
  names («Алексея Навального Кира Ярмыш» is two people) and leaves out the adverbs that start
  sentences («Позже»). Measured on the fixtures, it does worse on Ukrainian than the rules of
  :mod:`exilekg.suggest` with pymorphy3's Ukrainian dictionary, so it is used for Russian only.
- German: the Hanover Tagger (HanTa), whose German model ships in its package, tells proper
  nouns (NE) from the common nouns German capitalises (NN: "Krieg", "Jubel", "Zahl").

Either returns None when its package is not installed; ``suggest`` then falls back on rules
and says so once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from exilekg.language import note

__all__ = ["NamedSpan", "german_tags", "russian_names"]

_KINDS = {"PER": "Person", "LOC": "Place", "ORG": "Organization"}


@dataclass(frozen=True, slots=True)
class NamedSpan:
    """A name the recogniser found: code-point offsets into the text, and what it names."""

    start: int
    end: int
    kind: str


@cache
def _natasha() -> tuple[Any, Any, Any] | None:
    try:
        from natasha import Doc, NewsEmbedding, NewsNERTagger, Segmenter
    except ImportError:
        note(
            "natasha is not installed: suggest finds Russian names by capitals and rules "
            "(pip install natasha)"
        )
        return None
    return Doc, Segmenter(), NewsNERTagger(NewsEmbedding())


def russian_names(text: str) -> list[NamedSpan] | None:
    """The people, places and organisations natasha finds in a Russian ``text``."""
    loaded = _natasha()
    if loaded is None:
        return None
    doc_class, segmenter, tagger = loaded
    doc = doc_class(text)
    doc.segment(segmenter)
    doc.tag_ner(tagger)
    return [NamedSpan(s.start, s.stop, _KINDS[s.type]) for s in doc.spans if s.type in _KINDS]


@cache
def _hanta() -> Any | None:
    try:
        from HanTa import HanoverTagger
    except ImportError:
        note("HanTa is not installed: suggest cannot tell German common nouns from names (pip install HanTa)")
        return None
    return HanoverTagger.HanoverTagger("morphmodel_ger.pgz")


def german_tags(words: Sequence[str]) -> list[str] | None:
    """The STTS part-of-speech tag of each word of one German sentence (NE, NN, ADJA ...)."""
    tagger = _hanta()
    if tagger is None:
        return None
    if not words:
        return []
    return [tag for _, _, tag in tagger.tag_sent(list(words), taglevel=1)]
