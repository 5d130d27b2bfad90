"""Every SQL statement the adapters send is built from constants.

The tenant roles can call ``set_config`` themselves, so one query built from a value would let an
injection pick another workspace: every value is a bind parameter, and the statement text is a
literal. This parses every module that talks to PostgreSQL and checks the statement argument of
each query call (``execute``, ``fetch``, ``fetchrow``, ``fetchval``, ``executemany``,
``prepare``, ``cursor``): it must be a string literal, a module-level name bound once to a
string literal, or a parameter of the enclosing function whose every call in the module passes
one of those. An f-string, a ``+``, ``%`` or ``.format`` anywhere in that argument fails.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"
QUERY_METHODS = frozenset(
    {"execute", "executemany", "fetch", "fetchrow", "fetchval", "prepare", "cursor"}
)
# (module path relative to src, source of the argument): why it is not a literal.
ALLOWED = {
    ("shopmcp_adapters/postgres/migrate.py", "migration.sql"): (
        "the migration files shipped inside the package, applied by the owner"
    ),
}


def _modules_talking_to_postgres() -> list[Path]:
    return sorted(
        path
        for path in SRC.rglob("*.py")
        if "import asyncpg" in path.read_text() or "from asyncpg" in path.read_text()
    )


def _module_constants(tree: ast.Module) -> set[str]:
    assigned: dict[str, int] = {}
    literal: set[str] = set()
    for node in tree.body:
        targets: list[ast.expr] = []
        value: ast.expr | None = None
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        for target in targets:
            if isinstance(target, ast.Name):
                assigned[target.id] = assigned.get(target.id, 0) + 1
                if _is_literal(value):
                    literal.add(target.id)
    return {name for name in literal if assigned[name] == 1}


def _is_literal(node: ast.expr | None) -> bool:
    # Adjacent literals ("a" "b") are one Constant once parsed; anything else is not a literal.
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


class _Checker(ast.NodeVisitor):
    def __init__(self, path: Path, tree: ast.Module) -> None:
        self.relative = str(path.relative_to(SRC))
        self.constants = _module_constants(tree)
        self.functions = {
            node.name: node
            for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        }
        self.calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call)]
        self.stack: list[ast.FunctionDef | ast.AsyncFunctionDef] = []
        self.problems: list[str] = []

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self._in_function(node)

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> None:
        self._in_function(node)

    def _in_function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.stack.append(node)
        self.generic_visit(node)
        self.stack.pop()

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in QUERY_METHODS and node.args:
            statement = node.args[0]
            if not self._constant(statement, self.stack[-1] if self.stack else None, 0):
                self.problems.append(
                    f"{self.relative}:{node.lineno}: {func.attr}({ast.unparse(statement)[:80]})"
                )
        self.generic_visit(node)

    def _constant(
        self,
        node: ast.expr,
        function: ast.FunctionDef | ast.AsyncFunctionDef | None,
        depth: int,
    ) -> bool:
        if _is_literal(node):
            return True
        if (self.relative, ast.unparse(node)) in ALLOWED:
            return True
        if not isinstance(node, ast.Name):
            return False
        if node.id in self.constants:
            return True
        if function is None or depth > 3:
            return False
        params = [a.arg for a in (*function.args.posonlyargs, *function.args.args)]
        params += [a.arg for a in function.args.kwonlyargs]
        if node.id not in params:
            return False
        # A parameter: every caller in this module must pass a constant for it.
        callers = [c for c in self.calls if _calls(c, function.name)]
        if not callers:
            return False
        index = params.index(node.id)
        for call in callers:
            argument = _argument(call, node.id, index, function)
            caller = self._enclosing(call)
            if argument is None or not self._constant(argument, caller, depth + 1):
                return False
        return True

    def _enclosing(self, call: ast.Call) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
        for function in self.functions.values():
            if any(node is call for node in ast.walk(function)):
                return function
        return None


def _calls(call: ast.Call, name: str) -> bool:
    func = call.func
    return (isinstance(func, ast.Name) and func.id == name) or (
        isinstance(func, ast.Attribute) and func.attr == name
    )


def _argument(
    call: ast.Call, name: str, index: int, function: ast.FunctionDef | ast.AsyncFunctionDef
) -> ast.expr | None:
    for keyword in call.keywords:
        if keyword.arg == name:
            return keyword.value
    # Methods are called without their "self".
    offset = 1 if function.args.args and function.args.args[0].arg in ("self", "cls") else 0
    position = index - offset
    return call.args[position] if 0 <= position < len(call.args) else None


def check(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    checker = _Checker(path, tree)
    checker.visit(tree)
    return checker.problems


def test_every_statement_sent_to_postgresql_is_a_constant() -> None:
    modules = _modules_talking_to_postgres()
    assert len(modules) >= 8, "the scan found too few modules to be looking in the right place"
    problems = [problem for path in modules for problem in check(path)]
    assert problems == []


@pytest.mark.parametrize(
    "source",
    [
        'async def f(conn, ws):\n    await conn.execute(f"select {ws}")\n',
        'async def f(conn, ws):\n    await conn.fetch("select " + ws)\n',
        'async def f(conn, ws):\n    await conn.fetchval("select %s" % ws)\n',
        'async def f(conn, ws):\n    await conn.fetchrow("select {}".format(ws))\n',
        'Q = "select 1"\nQ = Q + "x"\nasync def f(conn):\n    await conn.execute(Q)\n',
        "async def run(conn, sql):\n    await conn.execute(sql)\n"
        "async def f(conn, ws):\n    await run(conn, 'select ' + ws)\n",
    ],
)
def test_the_checker_catches_statements_built_from_values(tmp_path: Path, source: str) -> None:
    module = SRC / "shopmcp_adapters" / "postgres" / "_synthetic_probe.py"
    path = tmp_path / "probe.py"
    path.write_text(source)
    tree = ast.parse(source)
    checker = _Checker(module, tree)
    checker.visit(tree)
    assert checker.problems, source


def test_the_checker_accepts_literals_constants_and_constant_parameters() -> None:
    source = (
        'Q = "select 1"\n'
        "async def run(conn, sql):\n    await conn.execute(sql)\n"
        "async def f(conn):\n"
        '    await conn.execute("select $1", 1)\n'
        "    await conn.fetch(Q)\n"
        "    await run(conn, Q)\n"
        "    await run(conn, sql='select 2')\n"
    )
    tree = ast.parse(source)
    checker = _Checker(SRC / "shopmcp_adapters" / "postgres" / "_synthetic_probe.py", tree)
    checker.visit(tree)
    assert checker.problems == []
