"""The demo and its sandbox stores stay out of production code: only the demo itself and its
command (``shopmcp demo``) import ``shopmcp_entrypoints.demo`` (checked on the AST, with
relative imports resolved, so a lazy import inside a function counts too)."""

from __future__ import annotations

import ast
from pathlib import Path

import shopmcp_adapters
import shopmcp_domain
import shopmcp_entrypoints

DEMO = "shopmcp_entrypoints.demo"
DEMO_COMMAND = "shopmcp_entrypoints.commands.demo"


def _module_name(path: Path, root: Path) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(source: str, module: str, is_package: bool) -> set[str]:
    package = module if is_package else module.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            out |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")
            base = base[: len(base) - node.level + 1] if node.level else []
            target = ".".join([*base, *([node.module] if node.module else [])])
            out |= {target} | {f"{target}.{alias.name}" for alias in node.names}
    return out


def _imports_demo(imports: set[str]) -> bool:
    return any(name == DEMO or name.startswith(DEMO + ".") for name in imports)


def test_only_the_demo_and_its_command_import_the_demo() -> None:
    root = Path(shopmcp_entrypoints.__file__).parent.parent
    packages = (shopmcp_domain, shopmcp_adapters, shopmcp_entrypoints)
    files = sorted(f for p in packages for f in Path(p.__path__[0]).rglob("*.py"))
    assert len(files) > 50
    importers = set()
    for path in files:
        module = _module_name(path, root)
        if _imports_demo(_imports(path.read_text(), module, path.name == "__init__.py")):
            importers.add(module)
    outside = {m for m in importers if m != DEMO_COMMAND and not m.startswith(DEMO)}
    assert outside == set()
    # The check sees real imports: the command and the runner do import the demo.
    assert {DEMO_COMMAND, f"{DEMO}.runner"} <= importers


def test_the_check_would_catch_absolute_relative_and_lazy_imports() -> None:
    app = "shopmcp_entrypoints.http.app"
    assert _imports_demo(_imports("import shopmcp_entrypoints.demo.sandboxes", app, False))
    assert _imports_demo(_imports("from ..demo.sandboxes import shopify", app, False))
    assert _imports_demo(_imports("from .. import demo", app, False))
    lazy = "def f():\n    from shopmcp_entrypoints.demo import sandboxes\n"
    assert _imports_demo(_imports(lazy, app, False))
    assert not _imports_demo(_imports("from shopmcp_entrypoints import demonstration", app, False))
