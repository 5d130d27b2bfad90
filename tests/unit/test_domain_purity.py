"""The domain core imports nothing that does I/O (checked on the AST, not by grep)."""

import ast
from pathlib import Path

import shopmcp_domain

FORBIDDEN = {
    "asyncpg",
    "boto3",
    "botocore",
    "redis",
    "stripe",
    "httpx",
    "litestar",
    "sentry_sdk",
    "dependency_injector",
    "socket",
    "requests",
    "aiohttp",
    "urllib",
    "http",
    "ssl",
    "subprocess",
    "shopmcp_adapters",
    "shopmcp_entrypoints",
    "mcp",
    "uvicorn",
    "os",
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module.split(".")[0])
    return out


def test_domain_imports_no_io_library() -> None:
    root = Path(shopmcp_domain.__file__).parent
    files = sorted(root.rglob("*.py"))
    assert len(files) > 10
    offenders = {str(f.relative_to(root)): sorted(_imports(f) & FORBIDDEN) for f in files}
    assert {f: mods for f, mods in offenders.items() if mods} == {}


def test_the_check_would_catch_an_io_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("import httpx\nfrom asyncpg import connect\n")
    assert _imports(bad) & FORBIDDEN == {"httpx", "asyncpg"}
