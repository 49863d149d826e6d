"""The public API: what ``exilekg`` exports exists, and the README's Python example runs."""

from __future__ import annotations

import re

import exilekg

from .conftest import REPO


def test_all_names_exist_and_are_sorted_sensibly() -> None:
    for name in exilekg.__all__:
        assert hasattr(exilekg, name), name
    assert len(set(exilekg.__all__)) == len(exilekg.__all__)


def test_every_error_derives_from_the_base() -> None:
    errors = [getattr(exilekg, n) for n in exilekg.__all__ if n.endswith("Error")]
    assert len(errors) >= 10
    for error in errors:
        assert issubclass(error, exilekg.ExilekgError)


def test_readme_python_examples_run(tmp_path: object, monkeypatch: object) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", readme, re.DOTALL)
    assert blocks, "the README has no Python example"
    import os

    monkeypatch.chdir(REPO)  # type: ignore[attr-defined]
    for block in blocks:
        if block.startswith("# needs a store"):
            continue  # tests/stores runs these against a real store
        code = block.replace("dist/", f"{os.fspath(tmp_path)}/")  # type: ignore[call-overload]
        exec(compile(code, "README.md", "exec"), {})
