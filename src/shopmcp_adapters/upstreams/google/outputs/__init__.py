"""Output models of the Google tools, one module per API family; each parses the upstream's
JSON (validation aliases, before-validators) and serialises as the advertised schema."""
