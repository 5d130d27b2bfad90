"""Two OS processes counting one workspace's quota at once (``_hammer.py``)."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


async def allowed_across_processes(
    backend: str, url: str, namespace: str, workspace: str, calls: int, quota: int
) -> list[int]:
    """Start two processes, let them count ``calls`` each at the same moment, and return how
    many each was allowed."""
    env = {**os.environ, "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT}"}
    args = [sys.executable, str(Path(__file__).with_name("_hammer.py")), backend, url, namespace]
    procs = [
        await asyncio.create_subprocess_exec(
            *args,
            workspace,
            str(calls),
            str(quota),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            env=env,
            cwd=ROOT,
        )
        for _ in range(2)
    ]
    try:
        for proc in procs:
            assert proc.stdout is not None
            line = await asyncio.wait_for(proc.stdout.readline(), 30)
            assert line.strip() == b"ready"
        for proc in procs:
            assert proc.stdin is not None
            proc.stdin.write(b"go\n")
            await proc.stdin.drain()
        outputs = [await asyncio.wait_for(proc.communicate(), 60) for proc in procs]
    finally:
        for proc in procs:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
    assert [proc.returncode for proc in procs] == [0, 0]
    return [int(out.strip()) for out, _ in outputs]
