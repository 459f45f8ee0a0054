"""The library's modules themselves: a module-level constant bound twice silently replaces
the first value for every use, also the uses written next to the first."""

import ast
from pathlib import Path

import pytest

MODULES = sorted((Path(__file__).parent.parent / "pipeline").rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=[p.stem for p in MODULES])
def test_module_constants_are_bound_once(path):
    seen: dict[str, int] = {}
    twice = []
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        targets = node.targets if isinstance(node, ast.Assign) else []
        if isinstance(node, ast.AnnAssign):
            targets = [node.target]
        for t in targets:
            if isinstance(t, ast.Name) and t.id.lstrip("_").isupper():
                if t.id in seen:
                    twice.append(f"{t.id} (lines {seen[t.id]} and {node.lineno})")
                seen.setdefault(t.id, node.lineno)
    assert not twice, f"{path.name}: bound twice: {', '.join(twice)}"
