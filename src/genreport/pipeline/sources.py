"""Which source files of the package a job runs: the import graph of `src/genreport`, read with `ast`.

The workflow lists these files as a rule's inputs, so editing one reruns exactly the rules whose
entry points import it (directly or through other modules, inside functions included). Imports
under `if TYPE_CHECKING:` are annotations only and are not followed. Modules loaded by name at
run time (the model tasks) are not visible to `ast`: a rule names them as extra roots. The files a
module reads beside its code (the report's templates) count as its source (`DATA_FOLDERS`).
"""

from __future__ import annotations

import ast
import json
from functools import cache
from pathlib import Path

PACKAGE = "genreport"

# Folders of files a module reads at run time, beside its code: editing one reruns the jobs that import the module.
DATA_FOLDERS = {"genreport.report.words": "templates"}


def module_file(module: str, src: Path) -> Path | None:
    """The file of a dotted module name under `src`, or None where it is not part of the package."""
    base = Path(src, *module.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _is_type_checking_block(node: ast.AST) -> bool:
    test = getattr(node, "test", None)
    return isinstance(node, ast.If) and (
        (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING")
        or (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")
    )


def _walk_without_type_checking(tree: ast.AST):
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        if _is_type_checking_block(node):
            stack.extend(node.orelse)
            continue
        stack.extend(ast.iter_child_nodes(node))


def imported_names(tree: ast.AST, module: str, is_package: bool) -> set[str]:
    """Dotted names of every module of the package that `tree` (the code of `module`) imports."""
    found = set()
    for node in _walk_without_type_checking(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = module.split(".")
                anchor = parts if is_package else parts[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join(anchor + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            found.add(base)
            # `from genreport.figures import plotting` imports the module genreport.figures.plotting.
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return {name for name in found if name == PACKAGE or name.startswith(PACKAGE + ".")}


@cache
def _direct_imports(path: str, module: str, stamp: float) -> frozenset[str]:
    tree = ast.parse(Path(path).read_text(), filename=path)
    return frozenset(imported_names(tree, module, Path(path).name == "__init__.py"))


def _with_parents(module: str) -> list[str]:
    """Importing a.b.c runs a/__init__.py and a/b/__init__.py first."""
    parts = module.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts) + 1)]


def module_closure(roots: list[str], src: Path) -> set[str]:
    """Every package module that importing `roots` runs."""
    seen, pending = set(), [parent for root in roots for parent in _with_parents(root)]
    while pending:
        module = pending.pop()
        if module in seen:
            continue
        path = module_file(module, src)
        if path is None:
            continue
        seen.add(module)
        for name in _direct_imports(str(path), module, path.stat().st_mtime):
            pending.extend(_with_parents(name))
    return seen


def notebook_imports(notebook: Path) -> list[str]:
    """Package modules the code cells of a notebook import (IPython magics and shell lines skipped)."""
    cells = json.loads(Path(notebook).read_text())["cells"]
    code = "\n".join(
        line
        for cell in cells
        if cell["cell_type"] == "code"
        for line in "".join(cell["source"]).splitlines()
        if not line.lstrip().startswith(("%", "!"))
    )
    return sorted(imported_names(ast.parse(code), "__notebook__", False))


def source_files(*roots: str, src: Path, notebook: Path | None = None) -> list[str]:
    """The source files, relative to the folder holding `src`, that a job importing `roots` runs."""
    src = Path(src)
    modules = list(roots) + (notebook_imports(notebook) if notebook else [])
    missing = [root for root in roots if module_file(root, src) is None]
    if missing:
        raise ValueError(f"no module {', '.join(missing)} under {src}")
    closure = module_closure(modules, src)
    files = {module_file(module, src) for module in closure}
    for module in closure & DATA_FOLDERS.keys():
        folder = module_file(module, src).parent / DATA_FOLDERS[module]
        files.update(path for path in folder.rglob("*") if path.is_file() and "__pycache__" not in path.parts)
    return sorted(str(path.relative_to(src.parent)) for path in files)


def source_digest(*roots: str, src: Path) -> str:
    """A hash of the source files a job importing `roots` runs (their paths and contents): the version of the
    code a training state was made by."""
    import hashlib

    digest = hashlib.sha256()
    for name in source_files(*roots, src=src):
        digest.update(name.encode() + b"\0" + (Path(src).parent / name).read_bytes() + b"\0")
    return digest.hexdigest()
