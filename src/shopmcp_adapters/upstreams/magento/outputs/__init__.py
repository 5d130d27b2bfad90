"""Output models of the Magento tools, one module per resource area, each also the parser of
Magento's answer for its tool (see ``parsing.py`` for how)."""
