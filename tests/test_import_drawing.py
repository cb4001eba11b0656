"""README's drawing of the package's imports: as the code is today, and every arrow downward."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent
# The architecture the folders follow (issue 13), top first; written here rather than read
# from pyproject.toml, so that a layers contract edited to fit an upward import fails here.
LAYERS = [["cli"], ["web"], ["services"], ["storage", "drawing", "imaging"], ["domain"]]


@pytest.fixture(scope="module")
def script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "import_drawing", ROOT / "scripts/import_drawing.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def upward(pairs: set[tuple[str, str]]) -> list[tuple[str, str]]:
    """The arrows that do not point to a lower layer (libraries sit below every layer)."""
    rank = {folder: number for number, layer in enumerate(LAYERS) for folder in layer}
    return sorted(
        (importer, imported)
        for importer, imported in pairs
        if rank[importer] >= rank.get(imported, len(LAYERS))
    )


def test_readme_shows_the_imports_as_the_script_draws_them_today(script: ModuleType) -> None:
    shown = script.readme_drawing((ROOT / "README.md").read_text(encoding="utf-8"))
    assert shown == script.drawing(), (
        "README's import drawing is out of date: run `python scripts/import_drawing.py --write`"
    )


def test_the_drawing_follows_the_layers_contract(script: ModuleType) -> None:
    assert script.layers() == LAYERS


def test_every_folder_with_code_is_drawn() -> None:
    with_code = {
        folder.name
        for folder in (ROOT / "tracker").iterdir()
        if (folder / "__init__.py").exists()
        and any(p.name != "__init__.py" for p in folder.glob("*.py"))
    }
    assert with_code == {folder for layer in LAYERS for folder in layer}


def test_every_arrow_points_down(script: ModuleType) -> None:
    pairs = script.folder_imports([folder for layer in LAYERS for folder in layer])
    assert ("services", "storage") in pairs  # the graph was read, not empty
    assert upward(pairs) == []


def test_skipping_a_layer_is_down_and_reaching_up_or_across_is_not() -> None:
    assert upward({("cli", "domain"), ("cli", "web"), ("services", "matplotlib")}) == []
    assert upward({("domain", "services"), ("storage", "drawing"), ("web", "cli")}) == [
        ("domain", "services"),
        ("storage", "drawing"),
        ("web", "cli"),
    ]


def test_the_drawing_names_each_folder_and_draws_each_arrow(script: ModuleType) -> None:
    drawn = script.mermaid(
        [["cli"], ["services"], ["domain"]],
        {("services", "domain"), ("cli", "click"), ("cli", "services")},
    )
    assert drawn == (
        "```mermaid\n"
        "flowchart TD\n"
        '    cli["cli/"]\n'
        '    services["services/"]\n'
        '    domain["domain/"]\n'
        '    click(["click"])\n'
        "    cli --> services\n"
        "    cli --> click\n"
        "    services --> domain\n"
        "```\n"
    )


def test_write_replaces_the_old_drawing_and_nothing_else(
    script: ModuleType, tmp_path: Path
) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("# T\n\n```mermaid\nflowchart TD\n    old --> gone\n```\n\nAfter.\n")
    script.write(readme)
    assert readme.read_text() == f"# T\n\n{script.drawing()}\nAfter.\n"
