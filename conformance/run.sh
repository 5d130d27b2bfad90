#!/usr/bin/env bash
# Runs the official MCP conformance suite against `shopmcp demo` (or against URL, if given).
# Needs Node.js and npm (the suite needs Node 22; npx fetches node@22 from the npm registry
# when the machine's node is older). Exit code 0 = every failure is in expected-failures.yml.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
suite="@modelcontextprotocol/conformance@${CONFORMANCE_VERSION:-0.1.16}"
url="${1:-}"
demo_pid=""
state="$(mktemp -d)"
cleanup() {
  if [ -n "$demo_pid" ]; then kill "$demo_pid" 2>/dev/null || true; wait "$demo_pid" 2>/dev/null || true; fi
  rm -rf "$state"
}
trap cleanup EXIT

if [ -z "$url" ]; then
  port="${CONFORMANCE_PORT:-8765}"
  (cd "$state" && exec "$root/.venv/bin/shopmcp" demo --port "$port") >"$state/demo.log" 2>&1 &
  demo_pid=$!
  for _ in $(seq 1 120); do
    url="$(grep -o "http://127.0.0.1:$port/mcp/smcp_[A-Za-z0-9_-]*" "$state/demo.log" | head -n1 || true)"
    [ -n "$url" ] && break
    kill -0 "$demo_pid" 2>/dev/null || { cat "$state/demo.log" >&2; exit 1; }
    sleep 1
  done
  [ -n "$url" ] || { echo "the demo printed no MCP URL in 120 s" >&2; cat "$state/demo.log" >&2; exit 1; }
fi

node_major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
packages=(-p "$suite")
[ "$node_major" -ge 22 ] || packages=(-p node@22 "${packages[@]}")
npx -y "${packages[@]}" -c "conformance server --url '$url' --expected-failures '$here/expected-failures.yml'"
