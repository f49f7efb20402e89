#!/usr/bin/env bash
# Proof with real clients (scripts/test step 8): every session under tests/export/sessions/ is
# exported as a boto3 script and as AWS CLI commands, and each script runs against fresh local
# emulators — kinesalite for Kinesis, moto's server for Firehose and S3 — started on loopback
# ports and stopped afterwards. A script compares what AWS documents as fixed by the request (the
# shard a key lands in, the records each iterator returns, the lineage after split and merge,
# every Firehose record delivered once) with the playground's answers, and exits non-zero on any
# difference. Finally a tampered expectation must make a script fail (the checks can fail).
#
# Usage: tests/export/proof.sh CLI_BINARY   (the venv and node_modules come from scripts/lib.sh)
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
CLI="${1:?usage: proof.sh CLI_BINARY}"
VENV="$ROOT/tools/export-venv"
WORK="$(mktemp -d -t kp-export-XXXXXX)"
PIDS=()

stop_servers() {
  local p
  for p in "${PIDS[@]}"; do
    kill "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
  PIDS=()
}
trap 'stop_servers; rm -rf "$WORK"' EXIT

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}
wait_port() { # PORT
  for _ in $(seq 100); do
    if python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.2)' "$1" 2>/dev/null; then
      return 0
    fi
    sleep 0.1
  done
  echo "nothing listens on 127.0.0.1:$1" >&2
  return 1
}

# Fresh emulators for one script run; exports the endpoint variables the scripts read.
start_servers() {
  local kport mport
  kport="$(free_port)"
  node "$HERE/node_modules/kinesalite/cli.js" --port "$kport" >"$WORK/kinesalite.log" 2>&1 &
  PIDS+=($!)
  mport="$(free_port)"
  "$VENV/bin/moto_server" -H 127.0.0.1 -p "$mport" >"$WORK/moto.log" 2>&1 &
  PIDS+=($!)
  wait_port "$kport"
  wait_port "$mport"
  export KINESIS_ENDPOINT_URL="http://127.0.0.1:$kport"
  export FIREHOSE_ENDPOINT_URL="http://127.0.0.1:$mport" S3_ENDPOINT_URL="http://127.0.0.1:$mport"
}

export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1
export AWS_DEFAULT_REGION=us-east-1 AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
export PATH="$VENV/bin:$PATH"

total_checks=0
runs=0
for session in "$HERE"/sessions/*.jsonl; do
  name="$(basename "$session" .jsonl)"
  for format in boto3 awscli; do
    script="$WORK/$name.$format"
    "$CLI" export --format "$format" "$session" --out "$script" 2>"$WORK/export.err"
    want="$(sed -n 's/.*AWS calls, .* as comments, \([0-9]*\) checks.*/\1/p' "$WORK/export.err")"
    start_servers
    t0=$(date +%s%3N)
    if [[ "$format" == boto3 ]]; then
      "$VENV/bin/python" "$script" >"$WORK/out" 2>&1 || { cat "$WORK/out"; echo "FAILED: $name ($format)" >&2; exit 1; }
    else
      bash "$script" >"$WORK/out" 2>&1 || { cat "$WORK/out"; echo "FAILED: $name ($format)" >&2; exit 1; }
    fi
    stop_servers
    summary="$(tail -n 1 "$WORK/out")"
    same="$(sed -n 's/^\([0-9]*\) checks: \([0-9]*\) same.*/\2/p' <<<"$summary")"
    if [[ -z "$same" || "$same" != "$want" ]]; then
      cat "$WORK/out"
      echo "FAILED: $name ($format): the export promised $want checks; the run said: $summary" >&2
      exit 1
    fi
    printf '  %-9s %-7s %3d checks same as the playground (%s ms)\n' "$name" "$format" "$same" "$(($(date +%s%3N) - t0))"
    total_checks=$((total_checks + same))
    runs=$((runs + 1))
  done
done

# The checks can fail: the reshard session with one expected shard id changed must exit 1.
"$CLI" export --format boto3 "$HERE/sessions/reshard.jsonl" --out "$WORK/tampered.py" 2>/dev/null
sed -i '0,/lands in", r[0-9]*\["ShardId"\], "shardId-000000000000"/s//lands in", r2["ShardId"], "shardId-000000000009"/' "$WORK/tampered.py"
grep -q 'shardId-000000000009' "$WORK/tampered.py" || { echo "FAILED: could not tamper with the script" >&2; exit 1; }
start_servers
if "$VENV/bin/python" "$WORK/tampered.py" >"$WORK/out" 2>&1; then
  stop_servers
  echo "FAILED: a script with a wrong expectation passed" >&2
  exit 1
fi
stop_servers
grep -q '1 differ' "$WORK/out" || { cat "$WORK/out"; echo "FAILED: the tampered run did not report one difference" >&2; exit 1; }
echo "export proof: $runs script runs, $total_checks checks same as the playground; a tampered expectation fails as it must"
