"""Follow a package's imports all the way down, from its source files, without importing anything.

Every ``import`` and ``from ... import`` counts, at module level or inside a function (a lazy import still runs
when the command does), relative ones resolved against the importing module. Tests use it to check boundaries:

    graph = ImportGraph.of_packages(REPO, ["sheets_sync", "sheets_emulator"])
    graph.reachable_from("sheets_sync.sync.plan")   # every module name it can end up importing
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Edge:
    importer: str
    imported: str  # the full dotted name as written (resolved if relative)


@dataclass
class ImportGraph:
    root: Path
    modules: dict[str, Path] = field(default_factory=dict)
    edges: dict[str, list[Edge]] = field(default_factory=dict)

    @classmethod
    def of_packages(cls, root: Path, packages: list[str]) -> ImportGraph:
        graph = cls(root)
        for package in packages:
            for path in sorted((root / package).rglob("*.py")):
                graph.modules[module_name(root, path)] = path
        for name, path in graph.modules.items():
            graph.edges[name] = list(imports_of(name, path))
        return graph

    def local_target(self, dotted: str) -> str | None:
        """The module of this graph that importing ``dotted`` loads last (a name inside a module maps to it)."""
        parts = dotted.split(".")
        for end in range(len(parts), 0, -1):
            candidate = ".".join(parts[:end])
            if candidate in self.modules:
                return candidate
        return None

    def loaded_by(self, dotted: str) -> list[str]:
        """Importing ``a.b.c`` runs ``a``, ``a.b`` and ``a.b.c``: each package __init__ on the way counts."""
        parts = dotted.split(".")
        return [
            ".".join(parts[:end]) for end in range(1, len(parts) + 1) if ".".join(parts[:end]) in self.modules
        ]

    def reachable_from(self, start: str) -> set[str]:
        """Every name (local module or third-party top-level name) that importing ``start`` can import."""
        seen: set[str] = set()
        stack = [start]
        while stack:
            name = stack.pop()
            if name in seen:
                continue
            seen.add(name)
            for edge in self.edges.get(name, []):
                loaded = self.loaded_by(edge.imported)
                if loaded:
                    stack.extend(loaded)
                else:
                    seen.add(edge.imported.split(".")[0])
        return seen - {start}


def module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(name: str, path: Path) -> list[Edge]:
    is_package = path.name == "__init__.py"
    package = name if is_package else name.rpartition(".")[0]
    found: list[Edge] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found.extend(Edge(name, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = resolve_relative(package, node.module, node.level)
            found.append(Edge(name, base))
            # `from pkg import sub` may load the submodule pkg.sub
            found.extend(Edge(name, f"{base}.{alias.name}") for alias in node.names if alias.name != "*")
    return found


def resolve_relative(package: str, module: str | None, level: int) -> str:
    if level == 0:
        return module or ""
    parts = package.split(".")
    base = parts[: len(parts) - (level - 1)]
    return ".".join(base + ([module] if module else []))
