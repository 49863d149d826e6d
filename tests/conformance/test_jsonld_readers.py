"""Every JSON-LD reader a user may have reads ``exilekg.jsonld`` at its default settings.

The dump carries its context inline, so no reader needs a document loader or the network:
rdflib (``Dataset().parse``), pyoxigraph (``parse``), pyld (``to_rdf`` with its default
loader), Jena's JSON-LD 1.0 reader (``riot --syntax=jsonld10``) and an Oxigraph server (a POST
to ``/store``) each give exactly the quads of ``exilekg.nq``. jsonld.js, also with its default
loader, is in ``test_node.py``. Jena's JSON-LD 1.1 reader cannot run on Debian 12, which packages
no Jakarta JSON Processing implementation for it (see ``jena_riot.py``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
import rdflib
import requests
from pyld import jsonld

from .. import servers
from . import jena_riot
from .conftest import JSONLD_DUMP, unavailable


def quads_of_nquads(text: str) -> set[ox.Quad]:
    return set(ox.parse(text.encode("utf-8"), format=ox.RdfFormat.N_QUADS))


def expected(build_dir: Path) -> set[ox.Quad]:
    quads = set(ox.parse(path=build_dir / "exilekg.nq"))
    assert quads, "exilekg.nq is empty"
    return quads


def difference(theirs: set[Any], ours: set[Any]) -> str:
    only_theirs = sorted(map(str, theirs - ours))[:5]
    only_ours = sorted(map(str, ours - theirs))[:5]
    return f"only from the JSON-LD: {only_theirs}\nonly in exilekg.nq: {only_ours}"


def test_the_dump_carries_its_context_inline(build_dir: Path) -> None:
    import json

    document = json.loads((build_dir / JSONLD_DUMP).read_text(encoding="utf-8"))
    assert isinstance(document["@context"], dict)
    assert "@version" not in document["@context"], "no JSON-LD 1.1 feature is used: 1.0 readers must read it"


def test_rdflib_reads_the_jsonld(build_dir: Path) -> None:
    dataset = rdflib.Dataset()
    dataset.parse(build_dir / JSONLD_DUMP)
    theirs = quads_of_nquads(dataset.serialize(format="nquads"))
    ours = expected(build_dir)
    assert theirs == ours, difference(theirs, ours)


def test_pyoxigraph_reads_the_jsonld(build_dir: Path) -> None:
    theirs = set(ox.parse(path=build_dir / JSONLD_DUMP))
    ours = expected(build_dir)
    assert theirs == ours, difference(theirs, ours)


def test_pyld_reads_the_jsonld_with_its_default_loader(build_dir: Path) -> None:
    import json

    document = json.loads((build_dir / JSONLD_DUMP).read_text(encoding="utf-8"))
    theirs = quads_of_nquads(jsonld.to_rdf(document, {"format": "application/n-quads"}))
    ours = expected(build_dir)
    assert theirs == ours, difference(theirs, ours)


def test_jena_riot_jsonld10_reader_reads_the_jsonld(build_dir: Path) -> None:
    if not jena_riot.available():
        unavailable(
            "Jena", "apt-get install --no-install-recommends libapache-jena-java default-jre-headless"
        )
    result = jena_riot.run_riot(["--syntax=jsonld10", "--output=nquads", str(build_dir / JSONLD_DUMP)])
    assert result.returncode == 0 and "ERROR" not in result.stderr, result.stderr[-2000:]
    theirs = quads_of_nquads(result.stdout)
    ours = expected(build_dir)
    assert theirs == ours, difference(theirs, ours)


@pytest.fixture(scope="module")
def oxigraph_server() -> Iterator[str]:
    yield from servers.oxigraph_server(unavailable)


def test_an_oxigraph_server_takes_the_jsonld(build_dir: Path, oxigraph_server: str) -> None:
    requests.delete(f"{oxigraph_server}/store", timeout=30)  # empty, whichever build came before
    posted = requests.post(
        f"{oxigraph_server}/store",
        data=(build_dir / JSONLD_DUMP).read_bytes(),
        headers={"Content-Type": "application/ld+json"},
        timeout=60,
    )
    assert posted.ok, f"HTTP {posted.status_code}: {posted.text[:500]}"
    stored = requests.get(f"{oxigraph_server}/store", headers={"Accept": "application/n-quads"}, timeout=60)
    assert stored.ok, stored.text[:500]
    theirs = quads_of_nquads(stored.text)
    ours = expected(build_dir)
    assert theirs == ours, difference(theirs, ours)
