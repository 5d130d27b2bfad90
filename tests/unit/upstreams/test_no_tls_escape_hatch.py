"""Nothing in src/ turns TLS verification off. A grep, on purpose: it also catches code paths
no test reaches."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[3] / "src"
FORBIDDEN = {
    "verify=False": re.compile(r"\bverify\s*=\s*False\b"),
    "CERT_NONE": re.compile(r"\bCERT_NONE\b"),
    "check_hostname = False": re.compile(r"\bcheck_hostname\s*=\s*False\b"),
    "_create_unverified_context": re.compile(r"_create_unverified_context"),
    "PYTHONHTTPSVERIFY": re.compile(r"PYTHONHTTPSVERIFY"),
}


def offences(text: str) -> list[str]:
    return [name for name, pattern in FORBIDDEN.items() if pattern.search(text)]


@pytest.mark.parametrize(
    "sample",
    [
        "httpx.AsyncClient(verify=False)",
        "client = Client(verify = False, timeout=3)",
        "ctx.verify_mode = ssl.CERT_NONE",
        "ctx.check_hostname=False",
        "ssl._create_unverified_context()",
    ],
)
def test_the_scanner_catches_each_escape_hatch(sample: str) -> None:
    assert offences(sample)


def test_src_has_no_way_to_disable_tls_verification() -> None:
    files = sorted(SRC.rglob("*.py"))
    assert len(files) > 20  # the scan really covers the source tree
    found = {
        f"{path.relative_to(SRC)}: {name}"
        for path in files
        for name in offences(path.read_text(encoding="utf-8"))
    }
    assert found == set()
