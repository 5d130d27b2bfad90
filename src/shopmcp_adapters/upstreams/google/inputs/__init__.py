"""Input models of the Google tools, one module per API family (``common`` holds the strict
base, Google's ids, page tokens and the text rules)."""
