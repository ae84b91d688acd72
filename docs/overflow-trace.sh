#!/usr/bin/env bash
# Regenerates docs/overflow-trace.png: runs the overflow example with its spans also sent to a
# real Zipkin server (127.0.0.1, a free port, in-memory storage), picks the client whose connect
# sent the most SYNs again, and has headless Chromium take a screenshot of that trace in Zipkin's
# UI. Needs a build (mvn -B -q package -DskipTests), chromium, curl and python3. Run by hand.
set -euo pipefail
cd "$(dirname "$0")/.."

out=docs/overflow-trace.png
work=$(mktemp -d)
zipkin_jar=examples/target/zipkin/zipkin-server.jar
if [ ! -f "$zipkin_jar" ]; then
  mvn -B -q -pl examples dependency:copy@zipkin-server
fi
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

java -Xmx256m -jar "$zipkin_jar" \
  "--armeria.ports[0].ip=127.0.0.1" "--armeria.ports[0].port=$port" \
  "--armeria.ports[0].protocols[0]=http" \
  --zipkin.collector.kafka.enabled=false --zipkin.collector.rabbitmq.enabled=false \
  --zipkin.collector.activemq.enabled=false --zipkin.collector.pulsar.enabled=false \
  --zipkin.discovery.eureka.enabled=false >"$work/zipkin.log" 2>&1 &
zipkin_pid=$!
trap 'kill "$zipkin_pid" 2>/dev/null || true; wait "$zipkin_pid" 2>/dev/null || true; rm -rf "$work"' EXIT

base="http://127.0.0.1:$port"
for _ in $(seq 1 120); do
  if curl -fs "$base/health" 2>/dev/null | grep -q '"UP"'; then break; fi
  sleep 1
done
curl -fs "$base/health" | grep -q '"UP"' || { echo "zipkin did not start:"; cat "$work/zipkin.log"; exit 1; }

java -Dotel.traces.exporter=otlp,zipkin "-Dotel.exporter.zipkin.endpoint=$base/api/v2/spans" \
  -jar examples/target/synscope-examples.jar overflow

# The trace of the connect with the most SYN retransmits (Zipkin indexes spans within a moment).
trace=""
for _ in $(seq 1 20); do
  trace=$(curl -fs "$base/api/v2/traces?serviceName=overflow-example&spanName=tcp.connect&limit=100" |
    python3 -c '
import json, sys
spans = [s for t in json.load(sys.stdin) for s in t]
spans.sort(key=lambda s: int(s.get("tags", {}).get("tcp.syn_retransmits", "0")), reverse=True)
print(spans[0]["traceId"] if spans and spans[0]["tags"].get("tcp.syn_retransmits", "0") != "0" else "")
')
  [ -n "$trace" ] && break
  sleep 1
done
[ -n "$trace" ] || { echo "no tcp.connect with SYN retransmits in Zipkin"; exit 1; }

chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$work/chromium" --window-size=1400,1250 --virtual-time-budget=15000 \
  --hide-scrollbars --screenshot="$out" "$base/zipkin/traces/$trace" 2>"$work/chromium.log" ||
  { cat "$work/chromium.log"; exit 1; }
echo "wrote $out (trace $trace)"
