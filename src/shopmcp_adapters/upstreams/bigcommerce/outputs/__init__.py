"""BigCommerce tool outputs (what a chat gets) and how each is parsed from the upstream body,
one module per resource.

Output models name the fields we return; parsing the upstream payload through them ignores
everything else the API sends. Where the upstream nests a value the model reads it with a
``validation_alias`` (never ``alias``), so the serialised names, and the advertised output
schema, stay the field names (tests check every output against that schema).

Upstream quirks handled in ``common``: v2 money is a string with four decimals
(``"69.8400"``), v3 money a JSON number; v2 dates are RFC 2822
(``"Tue, 05 Mar 2019 21:40:11 +0000"``) and may be ``""``, v3 dates are ISO 8601; v2
collections are bare arrays, v3 answers are ``{data, meta}`` envelopes.
"""
