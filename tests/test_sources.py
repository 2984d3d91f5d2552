"""The import graph that decides which source files each rule depends on."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

from genreport.pipeline.sources import imported_names, notebook_imports, source_files


def files_of(project_root: Path, *roots: str, notebook: Path | None = None) -> set[str]:
    return {
        name.removeprefix("src/genreport/")
        for name in source_files(*roots, src=project_root / "src", notebook=notebook)
    }


def write_package(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / "src" / "genreport" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root / "src"


def test_relative_absolute_lazy_and_parent_imports_are_followed(tmp_path):
    src = write_package(
        tmp_path,
        {
            "__init__.py": "",
            "cli/__init__.py": "",
            "cli/run.py": "from ..a import f\nfrom genreport import b\n\ndef main():\n    from .helpers import g\n",
            "cli/helpers.py": "import genreport.c.d\n",
            "a.py": "from . import e\n",
            "b.py": "",
            "e.py": "",
            "c/__init__.py": "",
            "c/d.py": "",
            "unused.py": "",
        },
    )
    found = {name.removeprefix("src/genreport/") for name in source_files("genreport.cli.run", src=src)}
    assert found == {
        "__init__.py",
        "cli/__init__.py",
        "cli/run.py",
        "cli/helpers.py",
        "a.py",
        "b.py",
        "e.py",
        "c/__init__.py",
        "c/d.py",
    }


def test_annotation_only_imports_are_not_dependencies(tmp_path):
    src = write_package(
        tmp_path,
        {
            "__init__.py": "",
            "run.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .heavy import "
            "Model\nelse:\n    from . import light\n",
            "heavy.py": "",
            "light.py": "",
        },
    )
    found = {name.removeprefix("src/genreport/") for name in source_files("genreport.run", src=src)}
    assert found == {"__init__.py", "run.py", "light.py"}


def test_an_unknown_root_is_refused(tmp_path):
    src = write_package(tmp_path, {"__init__.py": ""})
    with pytest.raises(ValueError, match="no module genreport.missing"):
        source_files("genreport.missing", src=src)


def test_notebook_imports_skip_magics(tmp_path):
    notebook = tmp_path / "n.ipynb"
    notebook.write_text(
        json.dumps(
            {
                "cells": [
                    {"cell_type": "markdown", "source": ["from genreport import nothing"]},
                    {
                        "cell_type": "code",
                        "source": ["%matplotlib inline\n", "!ls\n", "from genreport import plotting\n", "import numpy"],
                    },
                ]
            }
        )
    )
    assert notebook_imports(notebook) == ["genreport", "genreport.plotting"]


def test_each_model_depends_on_its_own_network_only(project_root):
    ddpm = files_of(project_root, "genreport.cli.train", "genreport.tasks.ddpm")
    vae = files_of(project_root, "genreport.cli.train", "genreport.tasks.vae")
    assert "models/unet.py" in ddpm and "diffusion/process.py" in ddpm
    assert not {"models/vae.py", "models/gan.py", "models/classifier.py"} & ddpm
    assert "models/vae.py" in vae and "models/unet.py" not in vae


def test_the_report_depends_on_no_model_code(project_root):
    report = files_of(project_root, "genreport.cli.report")
    assert {"report/words.py", "report/templates/answer_4.md.j2", "report/templates/macros.md.j2"} <= report
    assert not any(name.startswith(("models/", "tasks/")) for name in report)
    # Only the report rules read the words and their templates.
    for entry in ("genreport.cli.train", "genreport.cli.evaluate", "genreport.cli.detach", "genreport.cli.samplers"):
        assert not any(name.startswith(("report/words", "report/templates")) for name in files_of(project_root, entry))


def test_model_notebooks_depend_on_what_their_cells_import(project_root):
    vae = files_of(
        project_root, "genreport.cli.notebook", "genreport.tasks.vae", notebook=project_root / "notebooks" / "vae.ipynb"
    )
    assert {
        "figures/plotting.py",
        "measure/analysis.py",
        "measure/likelihood.py",
        "notebook_support.py",
        "tasks/loading.py",
        "tasks/vae.py",
    } <= vae


def test_nothing_imports_an_entry_point(project_root):
    """cli/ is the thin top: library modules, notebooks and benchmarks never import it."""
    src = project_root / "src"
    library = [path for path in (src / "genreport").rglob("*.py") if "cli" not in path.relative_to(src).parts]
    for path in library:
        module = ".".join(path.relative_to(src).with_suffix("").parts).removesuffix(".__init__")
        imported = imported_names(ast.parse(path.read_text()), module, path.name == "__init__.py")
        assert not any(name.startswith("genreport.cli") for name in imported), path
    for path in [*(project_root / "benchmarks").glob("*.py"), *(project_root / "notebooks").glob("*.ipynb")]:
        imported = (
            notebook_imports(path)
            if path.suffix == ".ipynb"
            else imported_names(ast.parse(path.read_text()), "__benchmark__", False)
        )
        assert not any(name.startswith("genreport.cli") for name in imported), path


def test_the_stages_import_each_other_without_a_cycle(project_root):
    """Folders (and root modules) of the package form a graph with no cycle: each stage builds on lower ones."""
    src = project_root / "src"
    graph: dict[str, set[str]] = {}
    for path in (src / "genreport").rglob("*.py"):
        module = ".".join(path.relative_to(src).with_suffix("").parts).removesuffix(".__init__")
        stage = module.split(".")[1] if "." in module else module
        imported = imported_names(ast.parse(path.read_text()), module, path.name == "__init__.py")
        graph.setdefault(stage, set()).update(
            name.split(".")[1] for name in imported if name.count(".") >= 1 and name.split(".")[1] != stage
        )
    graph = {stage: {used for used in uses if used in graph} for stage, uses in graph.items()}
    done: set[str] = set()

    def visit(stage: str, path: tuple[str, ...]) -> None:
        assert stage not in path, " -> ".join((*path, stage))
        if stage in done:
            return
        for used in graph[stage]:
            visit(used, (*path, stage))
        done.add(stage)

    for stage in graph:
        visit(stage, ())


def test_the_report_reads_without_torch(project_root):
    """The report step reads and words; it measures nothing, so importing it loads no torch."""
    check = "import sys, genreport.cli.report; print(sorted(m for m in sys.modules if m.split('.')[0] == 'torch'))"
    result = subprocess.run([sys.executable, "-c", check], cwd=project_root, capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.strip() == "[]", result.stdout[:300] + result.stderr[-300:]
