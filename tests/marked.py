"""How a client sees third-party text: wrapped in the one untrusted-text delimiter."""

from __future__ import annotations


def marked(source: str, text: str) -> str:
    return f'<untrusted-text source="{source}">{text}</untrusted-text>'
