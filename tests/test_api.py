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


def test_every_exported_class_and_function_is_documented() -> None:
    import inspect

    for name in exilekg.__all__:
        value = getattr(exilekg, name)
        if inspect.isclass(value) or inspect.isfunction(value):
            assert (value.__doc__ or "").strip(), f"exilekg.{name} has no docstring"
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for name in ("build", "map_corpus", "dump", "serialize", "read_corpus", "validate", "WriterEngine"):
        assert f"exilekg.{name}" in readme or f"`{name}" in readme, name


def test_every_public_module_declares_what_it_exports() -> None:
    import importlib
    import pkgutil

    modules = [
        info.name
        for info in pkgutil.walk_packages(exilekg.__path__, "exilekg.")
        if not any(part.startswith("_") for part in info.name.split(".")[1:])
    ]
    assert "exilekg.writers.sink" in modules and "exilekg.pipeline" in modules
    for name in modules:
        module = importlib.import_module(name)
        exported = getattr(module, "__all__", None)
        assert exported is not None, f"{name} has no __all__"
        for item in exported:
            assert hasattr(module, item), f"{name}.__all__ names {item}, which it lacks"


def test_a_submodule_never_hides_the_function_of_the_same_name() -> None:
    import importlib

    for name in ("build", "validate", "serialize", "dump"):
        for module in ("exilekg.pipeline", "exilekg.validation", "exilekg.writers"):
            importlib.import_module(module)
        assert callable(getattr(exilekg, name)), name
        assert not isinstance(getattr(exilekg, name), type(exilekg)), name


def test_no_submodule_is_named_like_an_exported_function() -> None:
    import importlib.util
    import inspect

    for name in exilekg.__all__:
        if inspect.isfunction(getattr(exilekg, name)):
            assert importlib.util.find_spec(f"exilekg.{name}") is None, name
