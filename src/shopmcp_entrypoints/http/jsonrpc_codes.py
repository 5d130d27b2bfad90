"""JSON-RPC error codes for refusals made before the SDK sees a request (the server-defined
range) and the protocol's own."""

from __future__ import annotations

# JSON-RPC error codes for refusals made before the SDK sees a request (server-defined range).
UNAUTHENTICATED = -32001
FORBIDDEN = -32003
RATE_LIMITED = -32029
UNAVAILABLE = -32000
INVALID_REQUEST = -32600
INVALID_PARAMS = -32602
INTERNAL_ERROR = -32603
