"""The public API listed in dossier.__all__ is exactly what the package exports."""
import dossier


def test_exported_members():
    public = {name for name in dir(dossier) if not name.startswith("_")}
    # Submodules imported as a side effect are not part of the API.
    modules = {name for name in public if type(getattr(dossier, name)).__name__ == "module"}
    assert set(dossier.__all__) - {"__version__"} == public - modules


def test_every_cli_command_has_help():
    from typer.testing import CliRunner

    from dossier.cli import app

    runner = CliRunner()
    for command in ("extract", "ingest", "show", "eval", "demo", "export", "graph",
                    "conflicts", "reprocess", "brief", "merge", "split", "undo",
                    "corrections", "serve"):
        result = runner.invoke(app, [command, "--help"])
        assert result.exit_code == 0
        assert "Usage" in result.output
