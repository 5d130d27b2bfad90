"""Tool specifications, the registry, the tool policy and write whitelists."""
