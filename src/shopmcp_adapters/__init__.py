"""Adapters: implementations of the domain's ports, one library each."""
