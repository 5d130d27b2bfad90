"""Input models of the Magento tools, one module per resource area (``common`` holds the
shared, bounded types). Inputs are strict (``extra="forbid"``), bounded and validated before
any request exists."""
