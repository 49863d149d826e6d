"""The RDF formats exilekg reads and writes, as an enum rather than loose strings."""

from __future__ import annotations

import enum
from pathlib import Path

from exilekg.errors import FormatError

__all__ = ["RdfFormat"]


class RdfFormat(enum.Enum):
    """An RDF serialization: its file extension, media type and whether it holds named graphs."""

    TURTLE = ("ttl", "text/turtle", False)
    NTRIPLES = ("nt", "application/n-triples", False)
    NQUADS = ("nq", "application/n-quads", True)
    TRIG = ("trig", "application/trig", True)
    JSONLD = ("jsonld", "application/ld+json", True)
    RDFXML = ("rdf", "application/rdf+xml", False)
    """Read (``exilekg check``, ``query``, ``load``), never written."""

    def __init__(self, extension: str, media_type: str, supports_datasets: bool) -> None:
        self.extension = extension
        self.media_type = media_type
        self.supports_datasets = supports_datasets

    @property
    def rdflib_name(self) -> str:
        return {
            RdfFormat.TURTLE: "turtle",
            RdfFormat.NTRIPLES: "nt",
            RdfFormat.NQUADS: "nquads",
            RdfFormat.TRIG: "trig",
            RdfFormat.JSONLD: "json-ld",
            RdfFormat.RDFXML: "xml",
        }[self]

    @classmethod
    def from_extension(cls, extension: str) -> RdfFormat:
        """``"ttl"``, ``".ttl"`` or ``"json"`` to a format; raises :class:`FormatError`."""
        ext = extension.lower().lstrip(".")
        aliases = {
            "json": "jsonld",
            "turtle": "ttl",
            "ntriples": "nt",
            "nquads": "nq",
            "xml": "rdf",
            "owl": "rdf",
            "rdfxml": "rdf",
        }
        ext = aliases.get(ext, ext)
        for fmt in cls:
            if fmt.extension == ext:
                return fmt
        known = ", ".join(f.extension for f in cls)
        raise FormatError(
            f"unknown RDF file extension {extension!r}",
            hint=f"use one of: {known}",
        )

    @classmethod
    def from_path(cls, path: Path | str) -> RdfFormat:
        suffix = Path(path).suffix
        if not suffix:
            raise FormatError("file has no extension to tell its RDF format", path=path)
        try:
            return cls.from_extension(suffix)
        except FormatError as exc:
            raise FormatError(exc.message, path=path, hint=exc.hint) from None

    @classmethod
    def from_name(cls, name: str) -> RdfFormat:
        """A format by enum name (``turtle``) or extension (``ttl``)."""
        try:
            return cls[name.upper().replace("-", "")]
        except KeyError:
            return cls.from_extension(name)
