"""Run Apache Jena's ``riot`` from Debian's ``libapache-jena-java`` (Jena 4.5.0 on Debian 12).

    python tests/conformance/jena_riot.py --validate FILE ...

Why a wrapper: Debian packages Jena's jars but no ``riot`` command, and its ``jena-core.jar`` is
broken out of the box. Debian's build moves Jena's bundled copy of Xerces from the package
``org.apache.jena.ext.xerces`` to ``xerces``, but leaves the Xerces message bundles
(``*.properties``) under ``org/apache/jena/ext/xerces/``. Xerces looks its messages up under
``xerces/impl/msg`` and ``xerces/impl/xpath/regex``, does not find them, and
``XSDDatatype``'s static initialiser fails with ``RuntimeException: internal error``, so every
Jena command dies before reading any input (``ExceptionInInitializerError`` at
``xerces.impl.dv.SchemaDVFactory``). The wrapper copies those ``.properties`` files out of
``jena-core.jar`` into a temporary folder under the names Xerces looks for, puts that folder
and the jars Jena needs from ``/usr/share/java`` on the classpath, and runs
``riotcmd.riot`` with ``java``.

A second Debian gap the wrapper cannot close: Jena 4.5 reads JSON-LD 1.1 with Titanium, which
needs a Jakarta JSON Processing implementation (Eclipse Parsson); Debian 12 ships only the API
(``jakarta.json-api.jar``), so riot's default JSON-LD reader fails with
``LOADING_DOCUMENT_FAILED``. Its JSON-LD 1.0 reader (``--syntax=jsonld10``, jsonld-java) runs
once ``httpclient-cache`` is on the classpath: ``test_jsonld_readers.py`` reads the JSON-LD dump
with it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

JAVA_DIR = Path("/usr/share/java")
# The jars riot loads: Jena's own, and the libraries Debian's libapache-jena-java depends on.
JENA_JARS = (
    "jena-arq",
    "jena-base",
    "jena-cmds",
    "jena-core",
    "jena-iri",
)
LIBRARY_JARS = (
    "commons-cli",
    "commons-codec",
    "commons-compress",
    "commons-csv",
    "commons-io",
    "commons-lang3",
    "dexx.collection",
    "gson",
    "guava",
    "httpclient",
    "httpclient-cache",
    "httpcore",
    "jackson-annotations",
    "jackson-core",
    "jackson-databind",
    "jakarta.json-api",
    "jsonld-java",
    "protobuf",
    "slf4j-api",
    "slf4j-simple",
    "thrift",
    "titanium-json-ld",
)
RELOCATED_PREFIX = "org/apache/jena/ext/xerces/"


def missing_jars(java_dir: Path = JAVA_DIR) -> list[str]:
    """Jena's jars that are not installed (empty when riot can run)."""
    return [name for name in JENA_JARS if not (java_dir / f"{name}.jar").is_file()]


def java() -> str | None:
    return shutil.which("java")


def available() -> bool:
    return java() is not None and not missing_jars()


def extract_xerces_messages(jena_core: Path, target: Path) -> int:
    """Copy Xerces's message bundles out of ``jena-core.jar`` to where Xerces looks for them."""
    count = 0
    with zipfile.ZipFile(jena_core) as jar:
        for name in jar.namelist():
            if name.startswith(RELOCATED_PREFIX) and name.endswith(".properties"):
                destination = target / "xerces" / name.removeprefix(RELOCATED_PREFIX)
                destination.parent.mkdir(parents=True, exist_ok=True)
                destination.write_bytes(jar.read(name))
                count += 1
    return count


@contextmanager
def riot_command(java_dir: Path = JAVA_DIR) -> Iterator[list[str]]:
    """The command that runs riot (arguments to be appended), valid inside the ``with`` block."""
    binary = java()
    if binary is None:
        raise FileNotFoundError("java is not installed (apt-get install default-jre-headless)")
    if missing := missing_jars(java_dir):
        raise FileNotFoundError(f"Jena's jars are not in {java_dir}: {', '.join(missing)}")
    with tempfile.TemporaryDirectory(prefix="exilekg-jena-") as folder:
        messages = Path(folder)
        extract_xerces_messages(java_dir / "jena-core.jar", messages)
        jars = [java_dir / f"{name}.jar" for name in (*JENA_JARS, *LIBRARY_JARS)]
        classpath = [str(messages), *(str(jar) for jar in jars if jar.is_file())]
        # A short run: the C1 compiler alone and the serial collector start riot about twice as fast.
        options = ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"]
        yield [binary, *options, "-cp", ":".join(classpath), "riotcmd.riot"]


def run_riot(args: Sequence[str], timeout: float = 300) -> subprocess.CompletedProcess[str]:
    with riot_command() as command:
        return subprocess.run([*command, *args], capture_output=True, text=True, timeout=timeout, check=False)


def main(argv: Sequence[str]) -> int:
    with riot_command() as command:
        return subprocess.run([*command, *argv], check=False).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
