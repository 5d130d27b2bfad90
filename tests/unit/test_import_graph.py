"""The dependency rule, checked on the AST of every module in ``src``: imports inside functions,
``TYPE_CHECKING`` blocks and ``importlib.import_module("literal")`` calls count like any other.

Layers, lowest first: ``shopmcp_domain`` < ``shopmcp_adapters`` < ``shopmcp_entrypoints``. A
module may import its own layer and the layers below it, never one above.

Inside the adapters each of these is a package of its own, and one package never imports
another unless the edge is listed in ``allowed_edges`` with its reason:
``memory``, ``postgres``, ``vault``, ``ratelimit``, ``billing``, ``observability``, the
``clock`` module (generally: every ``shopmcp_adapters.<name>``), and under ``upstreams`` each
core module (``http``, ``host_guard``, ``module``, ``package``, ``platforms``, ``oauth2``,
``oauth_providers``, ``transport``, ``store_check``) and each platform package
(``upstreams.<platform>``).
The composition root (``shopmcp_entrypoints.container``) is where adapters meet; adapters only
meet the domain's ports. Shared adapter modules (the change feeds' fan-out, the upstream core)
are the stated exceptions, each edge with its reason.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from pathlib import Path

import attrs

SRC = Path(__file__).resolve().parents[2] / "src"
LAYERS = {"shopmcp_domain": 0, "shopmcp_adapters": 1, "shopmcp_entrypoints": 2}
UPSTREAM_CORE = (
    "http",
    "host_guard",
    "module",
    "package",
    "platforms",
    "oauth2",
    "oauth_providers",
    "transport",
    "store_check",
    "untrusted_fields",
)

# ``shopmcp_adapters.changes`` is shared by the change feeds: one fan-out (delivery to every
# subscriber, a failing listener logged and skipped), so the fake cannot drift from PostgreSQL.
SHARED_EDGES = {
    ("memory", "changes"): "InMemoryChangeFeed is the shared fan-out and nothing else",
    ("postgres", "changes"): "PostgresChangeFeed hands LISTEN notices to the shared fan-out",
    ("email", "upstreams.http"): "the email provider is reached through the one HTTP policy",
}
# Edges between upstream core modules.
CORE_EDGES = {
    ("upstreams.http", "upstreams.host_guard"): "the HTTP policy applies the SSRF guard",
    ("upstreams.http", "upstreams.transport"): "guarded clients pool through PooledTransport",
    ("upstreams.store_check", "upstreams.host_guard"): "connect-time SSRF check: the same guard",
    ("upstreams.store_check", "upstreams.platforms"): "a package says where its store's host is",
    ("upstreams.package", "upstreams.http"): "a package's client factory receives UpstreamHttp",
    ("upstreams.package", "upstreams.module"): "a package holds its ToolTable, builds its module",
    ("upstreams.platforms", "upstreams.package"): "PACKAGES is a list of PlatformPackage",
    ("upstreams.oauth2", "upstreams.http"): "token requests go through the one HTTP policy",
    ("upstreams.package", "upstreams.oauth2"): "a package carries its OAuth provider description",
    ("upstreams.oauth_providers", "upstreams.oauth2"): "the OAuth providers are OAuthProviders",
    ("upstreams.oauth_providers", "upstreams.platforms"): "a package's own provider comes first",
    ("upstreams.shopify_install", "upstreams.http"): "the install's token request, one policy",
    ("upstreams.shopify_install", "upstreams.shopify"): "a shop domain is checked as tools do",
    (
        "upstreams.module",
        "upstreams.untrusted_fields",
    ): "a tool's third-party text fields, one table",
}
# What every platform package may import: the shared upstream core.
PLATFORM_MAY_IMPORT = {
    "upstreams.http": "the one HTTP policy (UpstreamHttp, error readers)",
    "upstreams.host_guard": "the SSRF guard (store-address checks)",
    "upstreams.module": "ToolTable, Reply, PlatformModule",
    "upstreams.package": "PlatformPackage, UpstreamEnv",
    "upstreams.oauth2": "an OAuth platform's provider description, OAuthTokens",
}
PLATFORM_LIST_REASON = "upstreams.platforms is the one platform list: it imports every package"
OAUTH_LIST_REASON = (
    "upstreams.oauth_providers lists the OAuth platforms' provider descriptions, also those "
    "whose tool package has not landed"
)

# Imports that break the rules on purpose, as (importing module, imported module): reason.
# None today: the Redis limiter's fallback and the rewrap job's owner store, which used to
# cross packages, are wired by the composition root instead.
EXCEPTIONS: dict[tuple[str, str], str] = {}


@attrs.frozen
class Import:
    importer: str
    imported: str
    line: int


@attrs.frozen
class Report:
    violations: list[str]
    unused_exceptions: list[tuple[str, str]]


def module_files(root: Path) -> dict[str, Path]:
    """Every module under ``root`` by dotted name (a package by its ``__init__``)."""
    found = {}
    for path in sorted(root.rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def imports_of(module: str, path: Path, known: set[str]) -> Iterator[Import]:
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(module, alias.name, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            for alias in node.names:
                # ``from pkg import submodule`` imports the submodule itself.
                target = f"{base}.{alias.name}"
                yield Import(module, target if target in known else base, node.lineno)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            yield Import(module, node.args[0].value, node.lineno)


def component(module: str) -> str:
    """The package a module belongs to, for the rule between adapter packages."""
    parts = module.split(".")
    if parts[0] != "shopmcp_adapters":
        return parts[0]
    if len(parts) == 1:
        return "shopmcp_adapters"
    if parts[1] != "upstreams" or len(parts) == 2:
        return parts[1]
    return f"upstreams.{parts[2]}"


def platform_packages(root: Path) -> set[str]:
    upstreams = root / "shopmcp_adapters" / "upstreams"
    return {
        f"upstreams.{d.name}"
        for d in upstreams.iterdir()
        if (d / "__init__.py").exists() and d.name not in UPSTREAM_CORE
    }


def allowed_edges(platforms: set[str]) -> dict[tuple[str, str], str]:
    edges = SHARED_EDGES | CORE_EDGES
    for platform in platforms:
        edges |= {(platform, core): why for core, why in PLATFORM_MAY_IMPORT.items()}
        edges[("upstreams.platforms", platform)] = PLATFORM_LIST_REASON
        edges[("upstreams.oauth_providers", platform)] = OAUTH_LIST_REASON
    return edges


def check(root: Path, exceptions: Mapping[tuple[str, str], str]) -> Report:
    files = module_files(root)
    allowed = allowed_edges(platform_packages(root))
    violations, used = [], set()
    for module, path in files.items():
        for edge in imports_of(module, path, set(files)):
            top = edge.imported.split(".")[0]
            if top not in LAYERS:
                continue
            where = f"{module} (line {edge.line}) imports {edge.imported}"
            if (edge.importer, edge.imported) in exceptions:
                used.add((edge.importer, edge.imported))
                continue
            if LAYERS[top] > LAYERS[module.split(".")[0]]:
                violations.append(f"{where}: a lower layer imports a higher one")
            elif LAYERS[top] == LAYERS[module.split(".")[0]] == LAYERS["shopmcp_adapters"]:
                pair = (component(module), component(edge.imported))
                crosses = pair[0] != pair[1] and pair[1] != "shopmcp_adapters"
                if crosses and pair not in allowed:
                    violations.append(f"{where}: adapter package {pair[0]} imports {pair[1]}")
    unused = sorted(set(exceptions) - used)
    return Report(violations=sorted(violations), unused_exceptions=unused)


# --------------------------------------------------------------------------- the real tree


def test_src_follows_the_dependency_rule() -> None:
    assert len(module_files(SRC)) > 80  # really looking at the tree
    report = check(SRC, EXCEPTIONS)
    assert report.violations == []
    assert report.unused_exceptions == []


def test_the_platform_packages_are_found() -> None:
    assert {"upstreams.shopify", "upstreams.bigcommerce", "upstreams.magento"} <= (
        platform_packages(SRC)
    )


def test_every_core_edge_is_between_real_modules() -> None:
    files = set(module_files(SRC))
    for importer, imported in SHARED_EDGES | CORE_EDGES:
        assert f"shopmcp_adapters.{importer}" in files
        assert f"shopmcp_adapters.{imported}" in files
    for core in PLATFORM_MAY_IMPORT:
        assert f"shopmcp_adapters.{core}" in files


# --------------------------------------------------------------------------- the checker itself


def _tree(root: Path, files: Mapping[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    for package in {p.parent for p in root.rglob("*.py")}:
        init = package / "__init__.py"
        if package != root and not init.exists():
            init.write_text("")
    return root


SYNTHETIC = {
    # A lower layer importing a higher one, at module level.
    "shopmcp_domain/model.py": "from shopmcp_adapters.memory import fakes\n",
    # A memory fake reaching another adapter package, relatively and inside a function.
    "shopmcp_adapters/memory/fakes.py": "def build():\n    from ..postgres import store\n",
    "shopmcp_adapters/postgres/store.py": "import shopmcp_domain.model\n",
    # An adapter importing the entrypoints under TYPE_CHECKING.
    "shopmcp_adapters/vault/keys.py": (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from shopmcp_entrypoints.container import Container\n"
    ),
    # One platform importing another (refused) and the shared core (allowed).
    "shopmcp_adapters/upstreams/shopify/client.py": (
        "from shopmcp_adapters.upstreams import http\n"
        "from shopmcp_adapters.upstreams.host_guard import HostGuard\n"
        "from shopmcp_adapters.upstreams.magento import client\n"
    ),
    "shopmcp_adapters/upstreams/magento/client.py": (
        "from shopmcp_adapters.upstreams.package import PlatformPackage\n"
    ),
    "shopmcp_adapters/upstreams/http.py": "from shopmcp_adapters.upstreams import host_guard\n",
    "shopmcp_adapters/upstreams/host_guard.py": "",
    "shopmcp_adapters/upstreams/package.py": "from shopmcp_adapters.upstreams import module\n",
    "shopmcp_adapters/upstreams/module.py": "",
    "shopmcp_adapters/upstreams/platforms.py": (
        "from shopmcp_adapters.upstreams.magento import client\n"
        "from shopmcp_adapters.upstreams.shopify import client as c\n"
    ),
    # A dynamic import of a literal module name, and the composition root (allowed).
    "shopmcp_adapters/billing/meter.py": (
        "import importlib\nimportlib.import_module('shopmcp_adapters.clock')\n"
    ),
    "shopmcp_adapters/clock.py": "",
    "shopmcp_entrypoints/container.py": (
        "from shopmcp_adapters.memory.fakes import build\nfrom shopmcp_domain import model\n"
    ),
}


def test_the_checker_flags_each_kind_of_bad_edge_and_nothing_else(tmp_path: Path) -> None:
    report = check(_tree(tmp_path, SYNTHETIC), {})
    assert report.violations == [
        "shopmcp_adapters.billing.meter (line 2) imports shopmcp_adapters.clock: "
        "adapter package billing imports clock",
        "shopmcp_adapters.memory.fakes (line 2) imports shopmcp_adapters.postgres.store: "
        "adapter package memory imports postgres",
        "shopmcp_adapters.upstreams.shopify.client (line 3) imports "
        "shopmcp_adapters.upstreams.magento.client: "
        "adapter package upstreams.shopify imports upstreams.magento",
        "shopmcp_adapters.vault.keys (line 3) imports shopmcp_entrypoints.container: "
        "a lower layer imports a higher one",
        "shopmcp_domain.model (line 1) imports shopmcp_adapters.memory.fakes: "
        "a lower layer imports a higher one",
    ]


def test_an_exception_silences_its_edge_and_a_stale_one_is_reported(tmp_path: Path) -> None:
    root = _tree(tmp_path, SYNTHETIC)
    exceptions = {
        ("shopmcp_adapters.memory.fakes", "shopmcp_adapters.postgres.store"): "a reason",
        ("shopmcp_adapters.memory.fakes", "shopmcp_adapters.vault.keys"): "no such import",
    }
    report = check(root, exceptions)
    assert not any(v.startswith("shopmcp_adapters.memory.fakes") for v in report.violations)
    assert len(report.violations) == 4
    assert report.unused_exceptions == [
        ("shopmcp_adapters.memory.fakes", "shopmcp_adapters.vault.keys")
    ]
