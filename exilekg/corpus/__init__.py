"""Reading a corpus folder: corpus.json, documents/*.json, records/*.json(l) and the texts.

Reading checks only that files can be read and parsed; whether the records make
sense is :mod:`exilekg.validation`'s job. Every record remembers where it came from
so that any later error can name the file, the JSON pointer and the line.

The package's parts: :mod:`~exilekg.corpus.files` reads one file within a
:class:`ReadPolicy`; :mod:`~exilekg.corpus.jsontext` decodes JSON within its limits;
:mod:`~exilekg.corpus.model` holds :class:`Corpus`, :class:`Record`, :class:`Source` and
:class:`Text`; :mod:`~exilekg.corpus.reader` reads a corpus folder into them.
"""

from __future__ import annotations

from exilekg.corpus.files import (
    DEFAULT_MAX_FILE_SIZE,
    DEFAULT_MAX_INTEGER_DIGITS,
    DEFAULT_MAX_JSON_DEPTH,
    ReadPolicy,
    read_file,
    read_text,
)
from exilekg.corpus.jsontext import read_json
from exilekg.corpus.model import Corpus, Record, Source, Text
from exilekg.corpus.reader import read_corpus, read_records

__all__ = [
    "DEFAULT_MAX_FILE_SIZE",
    "DEFAULT_MAX_INTEGER_DIGITS",
    "DEFAULT_MAX_JSON_DEPTH",
    "Corpus",
    "ReadPolicy",
    "Record",
    "Source",
    "Text",
    "read_corpus",
    "read_file",
    "read_json",
    "read_records",
    "read_text",
]
