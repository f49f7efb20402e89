#!/usr/bin/env bash
# A Kinesis Playground session as AWS CLI commands ({{ABOUT}}).
#
# Run it against AWS with your usual credentials, or against local emulators, e.g.
#     KINESIS_ENDPOINT_URL=http://127.0.0.1:4567 bash session.sh
#     (also FIREHOSE_ENDPOINT_URL, S3_ENDPOINT_URL, or ENDPOINT_URL for all services)
# Needs the AWS CLI (v2, or v1 for data that is text) and jq. Record data is written as text; with
# v2 the script adds --cli-binary-format raw-in-base64-out so both read it the same way.
# TIME_SCALE=1 waits out the virtual-time gaps between calls (0 = do not wait; waiters still wait).
# Each call prints AWS's answer; the "# playground:" comment under it shows what the playground
# answered. `check` compares what AWS documents as fixed by the request (the shard a key lands in,
# the records an iterator returns, the shard lineage after resharding); the script exits with
# status 1 if any of them differ. Errors the playground answered are expected, not fatal.
set -euo pipefail
command -v aws >/dev/null || { echo "this script needs the AWS CLI (aws)" >&2; exit 2; }
command -v jq >/dev/null || { echo "this script needs jq" >&2; exit 2; }

REGION="${AWS_REGION:-${AWS_DEFAULT_REGION:-us-east-1}}"
TIME_SCALE="${TIME_SCALE:-{{TIME_SCALE}}}"
T0_MS=$(date +%s%3N)
OUT_DIR=$(mktemp -d)
trap 'rm -rf "$OUT_DIR"' EXIT
SAME=0
DIFFER=0

endpoint() {
  local v="${1}_ENDPOINT_URL"
  local url="${!v:-${ENDPOINT_URL:-}}"
  if [[ -n "$url" ]]; then echo "--endpoint-url=$url"; fi
}
CLI_V2=0
[[ "$(aws --version 2>&1)" == aws-cli/2* ]] && CLI_V2=1
# Blobs: text as given (v1's way; v2 told so), or base64 where BLOBS=base64 (v2's default only).
binary_format() {
  if [[ "${BLOBS:-raw}" == base64 ]]; then
    [[ $CLI_V2 == 1 ]] || { echo "this call passes binary data in JSON: it needs the AWS CLI v2" >&2; return 1; }
  elif [[ $CLI_V2 == 1 ]]; then
    echo "--cli-binary-format raw-in-base64-out"
  fi
  return 0
}
aws_call() {
  local service="$1" var="$2"
  shift 2
  # shellcheck disable=SC2046
  aws "$service" $(endpoint "$var") $(binary_format) --region "$REGION" --output json "$@"
}
aws_kinesis() { aws_call kinesis KINESIS "$@"; }
aws_firehose() { aws_call firehose FIREHOSE "$@"; }
aws_s3api() { aws_call s3api S3 "$@"; }
aws_glue() { aws_call glue GLUE "$@"; }
aws_cloudwatch() { aws_call cloudwatch CLOUDWATCH "$@"; }
aws_kinesisanalyticsv2() { aws_call kinesisanalyticsv2 KINESISANALYTICSV2 "$@"; }

declare -A REACHED=([0]="$T0_MS")
# Waits until virtual time $1 (ms) of the session, scaled by TIME_SCALE; `new-second`: and until
# a new whole second.
at() {
  local delay
  delay=$(awk -v t0="$T0_MS" -v ms="$1" -v s="$TIME_SCALE" -v now="$(date +%s%3N)" \
    'BEGIN { d = (t0 + ms * s - now) / 1000; if (d > 0) printf "%.3f", d; else print 0 }')
  sleep "$delay"
  if [[ "${2:-}" == new-second ]]; then
    # The AWS CLI v1 sends timestamps in whole seconds: start this step on a new one.
    sleep "$(awk -v now="$(date +%s%3N)" 'BEGIN { printf "%.3f", (1001 - now % 1000) / 1000 }')"
  fi
  REACHED[$1]=$(date +%s%3N)
}
# The instant (epoch seconds) virtual time $1 stands for in this run (an AT_TIMESTAMP position):
# the moment the script reached the first paced step at or after it, so every call the session
# made before $1 happened before it here too, however long the calls took.
ts_at() {
  local best="" k last=0
  for k in "${!REACHED[@]}"; do
    if ((k >= $1)) && [[ -z "$best" || $k -lt $best ]]; then best=$k; fi
    ((k > last)) && last=$k
  done
  if [[ -n "$best" ]]; then
    awk -v t="${REACHED[$best]}" 'BEGIN { printf "%.3f", t / 1000 }'
  else
    awk -v t="${REACHED[$last]}" -v ms="$1" -v last="$last" -v s="$TIME_SCALE" \
      'BEGIN { printf "%.3f", (t + (ms - last) * s) / 1000 }'
  fi
}

show() {
  if [[ -z "$1" ]]; then echo "  aws: (no output)"; return; fi
  local t
  t=$(jq -c 'del(.ResponseMetadata?)' <<<"$1" 2>/dev/null || echo "$1")
  echo "  aws: ${t:0:300}"
}
check() {
  if [[ "$2" == "$3" ]]; then
    SAME=$((SAME + 1)); echo "  ✓ $1 — same as the playground"
  else
    DIFFER=$((DIFFER + 1)); echo "  ✗ $1 — AWS: $2 playground: $3"
  fi
}
expected_error() {
  if [[ "$1" == *"($2)"* ]]; then echo "  ✓ AWS refused it too: $2"
  elif [[ "$2" == ValidationException && "$1" == *"Parameter validation failed"* ]]; then
    echo "  ✓ refused too (by the CLI before sending; the service answers ValidationException)"
  elif [[ -z "$1" ]]; then echo "  ! AWS accepted it where the playground answered $2"
  else echo "  ! AWS answered: ${1:0:200} (the playground answered $2)"; fi
}
# The CLI's own `wait stream-exists` polls every 10 s; this polls every second.
wait_stream_status() {
  local want="$1" status
  shift
  for _ in $(seq 300); do
    status=$(aws_kinesis describe-stream-summary "$@" 2>/dev/null | jq -r .StreamDescriptionSummary.StreamStatus || true)
    [[ "$status" == "$want" || ( "$want" == GONE && -z "$status" ) ]] && return
    sleep 1
  done
}
wait_consumer_active() {
  for _ in $(seq 300); do
    [[ "$(aws_kinesis describe-stream-consumer "$@" | jq -r .ConsumerDescription.ConsumerStatus)" == ACTIVE ]] && return
    sleep 1
  done
}
wait_delivery_stream_active() {
  for _ in $(seq 300); do
    [[ "$(aws_firehose describe-delivery-stream --delivery-stream-name "$1" | jq -r .DeliveryStreamDescription.DeliveryStreamStatus)" == ACTIVE ]] && return
    sleep 1
  done
}
# Every accepted record's lines in the bucket's objects, once (any object, any order).
check_delivered() {
  local bucket="$1" expected="$2" got="" deadline=$(($(date +%s) + 960)) key
  while :; do
    : >"$OUT_DIR/all"
    while IFS= read -r key; do
      [[ -z "$key" ]] && continue
      aws_s3api get-object --bucket "$bucket" --key "$key" "$OUT_DIR/obj" >/dev/null
      cat "$OUT_DIR/obj" >>"$OUT_DIR/all"
    done < <(aws_s3api list-objects-v2 --bucket "$bucket" | jq -r '.Contents[]?.Key')
    got=$(while IFS= read -r line; do printf '%s' "$line" | base64 -w0; echo; done <"$OUT_DIR/all" | LC_ALL=C sort)
    if [[ "$got" == "$expected" || $(date +%s) -gt $deadline ]]; then break; fi
    sleep 5
  done
  check "records delivered to s3://$bucket" "$(grep -c . <<<"$got" || true) lines" "$(grep -c . <<<"$expected" || true) lines"
  [[ "$got" == "$expected" ]] || { DIFFER=$((DIFFER + 1)); echo "  ✗ the delivered lines differ"; }
}
finish() {
  echo "$((SAME + DIFFER)) checks: $SAME same as the playground, $DIFFER differ"
  [[ $DIFFER -eq 0 ]]
}

