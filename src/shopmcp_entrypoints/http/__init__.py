"""HTTP entrypoints (Litestar)."""
