"""Options shared by the commands that read a corpus: how far reading it may go."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from exilekg.corpus import DEFAULT_MAX_FILE_SIZE, ReadPolicy

__all__ = ["ByteSize", "corpus_argument", "read_options", "texts_option"]

_UNITS = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}
_SIZE = re.compile(r"\s*(\d+)\s*([KMGT]?)(?:i?B)?\s*", re.IGNORECASE)


class ByteSize(click.ParamType):  # type: ignore[type-arg]  # generic only from click 8.2 on
    """A number of bytes: ``1000000``, ``64K``, ``256M``, ``2G`` (powers of 1024; ``MiB``, ``MB`` too)."""

    name = "SIZE"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int):
            return value
        match = _SIZE.fullmatch(str(value))
        if match is None or int(match.group(1)) < 1:
            self.fail(f"{value!r} is not a size such as 1000000, 64K, 256M or 2G", param, ctx)
        return int(match.group(1)) * _UNITS[match.group(2).upper()]


def read_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add ``--follow-symlinks`` and ``--max-file-size`` to a command, which gets them as one
    ``policy`` argument (:class:`~exilekg.corpus.ReadPolicy`)."""

    @functools.wraps(command)
    def run(*args: Any, follow_symlinks: bool, max_file_size: int, **kwargs: Any) -> Any:
        policy = ReadPolicy(max_file_size=max_file_size, follow_symlinks=follow_symlinks)
        return command(*args, policy=policy, **kwargs)

    run = click.option(
        "--max-file-size",
        type=ByteSize(),
        default=DEFAULT_MAX_FILE_SIZE,
        show_default="256M",
        help="Refuse a text or record file larger than this (e.g. 64M, 2G).",
    )(run)
    return click.option(
        "--follow-symlinks",
        is_flag=True,
        help="Follow symbolic links that lead out of the corpus or texts folder (by default refused).",
    )(run)


corpus_argument = click.argument("corpus_dir", type=click.Path(file_okay=False, path_type=Path))
"""The CORPUS_DIR argument of the commands that read a corpus."""

texts_option = click.option(
    "--texts",
    "texts_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder of the articles' texts (default: texts/ beside the records).",
)
"""``--texts``: where the articles' texts are, when not in the corpus folder's texts/."""
