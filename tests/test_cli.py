"""The command line through click's CliRunner: output, error messages, exit codes."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from exilekg.cli import cli

from .conftest import EXAMPLE


def test_build_prints_a_summary(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["build", str(EXAMPLE), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "entities" in result.output and "triples in" in result.output
    assert (tmp_path / "exilekg.ttl").is_file()


def test_build_format_subset(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["build", str(EXAMPLE), "--out", str(tmp_path), "--format", "nt", "-q"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["exilekg.index", "exilekg.nt", "void.ttl"]


def test_validate_clean_corpus() -> None:
    result = CliRunner().invoke(cli, ["validate", str(EXAMPLE)])
    assert result.exit_code == 0
    assert "20 of 20 evidence phrases located" in result.output


def test_validate_lists_every_problem_and_exits_1(example_copy: Path) -> None:
    (example_copy / "records" / "bad.json").write_text(
        '[{"kind": "Person", "id": "x"},\n {"kind": "Place", "id": "y", "name": "Y", "type": "planet"}]',
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["validate", str(example_copy)])
    assert result.exit_code == 1
    assert "bad.json:1:2 /0: missing required field 'name'" in result.output
    assert "bad.json:2:52 /1/type:" in result.output
    assert "hint:" in result.output
    assert "2 problems found" in result.output
    assert "Traceback" not in result.output


def test_build_error_has_no_traceback(example_copy: Path, tmp_path: Path) -> None:
    (example_copy / "records" / "bad.json").write_text("[{", encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["build", str(example_copy), "--out", str(out)])
    assert result.exit_code == 1
    assert result.output.startswith("Error: ")
    assert "bad.json:1:3" in result.output
    assert "Traceback" not in result.output
    assert not out.exists()


def test_build_without_texts_says_what_was_not_checked(example_copy: Path, tmp_path: Path) -> None:
    import shutil

    shutil.rmtree(example_copy / "texts")
    result = CliRunner().invoke(cli, ["build", str(example_copy), "--out", str(tmp_path)])
    assert result.exit_code == 0
    assert "not checked: evidence phrases" in result.output
    assert "left out of the graph: mentions of entities in all 2 documents (no texts folder)" in result.output
    assert "--texts DIR" in result.output


def test_build_with_require_texts_fails_without_them_and_writes_nothing(
    example_copy: Path, tmp_path: Path
) -> None:
    import shutil

    shutil.rmtree(example_copy / "texts")
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["build", str(example_copy), "--out", str(out), "--require-texts"])
    assert result.exit_code == 1, result.output
    assert "--require-texts was given" in result.output and "Traceback" not in result.output
    assert not out.exists()


def test_build_with_texts_leaves_nothing_out(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["build", str(EXAMPLE), "--out", str(tmp_path), "--require-texts"])
    assert result.exit_code == 0, result.output
    assert "left out" not in result.output


def test_version() -> None:
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0 and "exilekg" in result.output


def test_python_m_exilekg(tmp_path: Path) -> None:
    import subprocess
    import sys

    run = subprocess.run(
        [sys.executable, "-m", "exilekg", "validate", str(EXAMPLE)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr


# -- errors that reach the one handler --------------------------------------------------------------


def test_build_into_a_path_below_a_file_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    afile = tmp_path / "afile"
    afile.write_text("not a folder", encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", str(EXAMPLE), "--out", str(afile / "sub")])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    assert "cannot write" in result.output and "afile" in result.output
    assert "hint:" in result.output
    assert afile.read_text(encoding="utf-8") == "not a folder"


def test_build_raises_an_output_error_with_the_path(tmp_path: Path) -> None:
    import pytest

    from exilekg import ExilekgError, OutputError, build

    afile = tmp_path / "afile"
    afile.write_text("", encoding="utf-8")
    with pytest.raises(OutputError) as caught:
        build(EXAMPLE, afile / "sub")
    assert isinstance(caught.value, ExilekgError)
    assert caught.value.path is not None and "afile" in str(caught.value.path)
    assert caught.value.hint


# -- a lazy command line ----------------------------------------------------------------------------


def _modules_after(*args: str) -> set[str]:
    import subprocess
    import sys

    code = (
        "import sys\nfrom exilekg.cli import main\nsys.argv = ['exilekg', *sys.argv[1:]]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(' '.join(sorted(m for m in sys.modules if m.startswith(('exilekg', 'rdflib', 'pyoxigraph')))))"
    )
    result = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True)
    return set(result.stdout.split("\n")[-2].split())


def test_help_and_version_import_only_the_command_table() -> None:
    allowed = {"exilekg", "exilekg._version", "exilekg.errors", "exilekg.cli"}
    for args in (["--help"], ["--version"]):
        assert _modules_after(*args) <= allowed, args


def test_a_command_imports_its_own_module_only_when_it_runs() -> None:
    modules = _modules_after("queries")
    assert "exilekg.cli.query" in modules
    assert "exilekg.cli.build" not in modules and "exilekg.pipeline" not in modules


def test_the_command_table_names_every_command() -> None:
    import click

    from exilekg.cli import COMMANDS

    ctx = click.Context(cli)
    for name, (_, _, summary) in COMMANDS.items():
        command = cli.get_command(ctx, name)
        assert isinstance(command, click.Command) and command.name == name
        assert summary and command.help, name
    help_text = CliRunner().invoke(cli, ["--help"]).output
    for name, (_, _, summary) in COMMANDS.items():
        assert f"{name}" in help_text and summary in help_text
