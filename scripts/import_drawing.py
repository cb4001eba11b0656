"""The package's imports, folder by folder, as a Mermaid flowchart for README.

    python scripts/import_drawing.py           # print it
    python scripts/import_drawing.py --write   # and put it in README.md, over the old one

Reads every import in `tracker/` with grimp (the library import-linter checks the layers
with) and prints one arrow for each pair of folders where at least one module of the first
imports one of the second, top to bottom in the order of the layers contract in
pyproject.toml. The libraries that only some layers may use (SQLAlchemy, Alembic, click,
Flask, matplotlib) hang as leaves under the folders that import them. The root package
(its version) and `__main__` are not folders, and are left out.

tests/test_import_drawing.py checks that README shows what this prints today, and that every
arrow points down.
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from pathlib import Path

import grimp

PACKAGE = "tracker"
ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = ROOT / "pyproject.toml"
README = ROOT / "README.md"
FENCE = "```mermaid\n"
# The libraries a contract keeps to one layer: worth seeing who uses them.
LEAVES = ("sqlalchemy", "alembic", "click", "flask", "matplotlib", "PIL", "pillow_heif")


def layers(pyproject: Path = PYPROJECT) -> list[list[str]]:
    """The folders of each layer, top first, from the import-linter layers contract."""
    config = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    (contract,) = (c for c in contracts if c["type"] == "layers")
    return [
        [module.strip().removeprefix(f"{PACKAGE}.") for module in layer.split("|")]
        for layer in contract["layers"]
    ]


def folder_imports(folders: list[str]) -> set[tuple[str, str]]:
    """(importer, imported) for each pair of folders, or folder and leaf library, that an
    import joins."""
    graph = grimp.build_graph(PACKAGE, include_external_packages=True)
    known = set(folders)

    def place(module: str) -> str | None:
        parts = module.split(".")
        if parts[0] == PACKAGE:
            return parts[1] if len(parts) > 1 and parts[1] in known else None
        return parts[0] if parts[0] in LEAVES else None

    pairs: set[tuple[str, str]] = set()
    for module in graph.modules:
        importer = place(module)
        if importer is None or importer in LEAVES:
            continue
        for imported in graph.find_modules_directly_imported_by(module):
            target = place(imported)
            if target is not None and target != importer:
                pairs.add((importer, target))
    return pairs


def mermaid(order: list[list[str]], pairs: set[tuple[str, str]]) -> str:
    """The flowchart, in a fence that GitHub draws: folders as boxes, libraries as rounded
    leaves, arrows sorted top to bottom so that the text changes only when an import does."""
    folders = [folder for layer in order for folder in layer]
    used = [leaf for leaf in LEAVES if any(imported == leaf for _, imported in pairs)]
    places = [*folders, *used]
    lines = [FENCE.strip(), "flowchart TD"]
    lines += [f'    {folder}["{folder}/"]' for folder in folders]
    lines += [f'    {leaf}(["{leaf}"])' for leaf in used]
    arrows = sorted(pairs, key=lambda pair: (places.index(pair[0]), places.index(pair[1])))
    lines += [f"    {importer} --> {imported}" for importer, imported in arrows]
    lines.append("```")
    return "\n".join(lines) + "\n"


def drawing() -> str:
    order = layers()
    return mermaid(order, folder_imports([folder for layer in order for folder in layer]))


def readme_drawing(text: str) -> str:
    """The one Mermaid block of README, fences included ("" where there is none)."""
    start = text.find(FENCE)
    if start < 0:
        return ""
    end = text.index("```\n", start + len(FENCE)) + len("```\n")
    return text[start:end]


def write(readme: Path = README) -> None:
    text = readme.read_text(encoding="utf-8")
    old = readme_drawing(text)
    if not old:
        raise SystemExit(f"{readme} has no ```mermaid block to replace: paste one in first.")
    readme.write_text(text.replace(old, drawing()), encoding="utf-8")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--write", action="store_true", help="replace the drawing in README.md")
    if parser.parse_args().write:
        write()
    else:
        sys.stdout.write(drawing())
