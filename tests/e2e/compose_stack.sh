#!/usr/bin/env bash
# docker-compose.yml brought up for real, as shipped (mutual TLS and tokens
# on), with podman through Debian's docker-compose (scripts/containers.sh), on
# free host ports and with fresh trial secrets. Then, from outside the
# containers with the command-line client: enrol a sample patient, log a
# week, advance to week 2; stop progress with SIGTERM and see it drain within
# its grace period and exit 0; take the stack down (the store's volume kept)
# and up again, and find the programme, its events and the enrolment's
# request id exactly as they were. Needs root and the
# images (scripts/build-image.sh); exits 77 (skipped) where containers cannot
# run. About a minute.
# Usage: tests/e2e/compose_stack.sh BUILD_DIR
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
build_dir=$(cd "${1:?usage: $0 BUILD_DIR}" && pwd)
source scripts/containers.sh
containers_required "$project_image" "$redis_image"
# shellcheck source=tests/e2e/suite_ports.sh
source tests/e2e/suite_ports.sh

work=$(mktemp -d "${TMPDIR:-/tmp}/osteoflow-compose.XXXXXX")
project=osteoflow-e2e-$$
export OSTEOFLOW_SECRETS_DIR=$work/secrets
finish() {
  local code=$?
  compose_remove "$project"
  compose_engine_stop "$work/engine"
  if [[ $code == 0 ]]; then rm -rf "$work"; else echo "kept for a look: $work" >&2; fi
  exit "$code"
}
trap finish EXIT
fail() {
  local name
  echo "compose_stack: $*" >&2
  compose "$project" ps >&2 || true
  for name in $(podman ps --all --filter "label=com.docker.compose.project=$project" --filter status=exited \
                  --format '{{.Names}}'); do
    echo "$name, its last lines:" >&2
    podman logs --tail 3 "$name" 2>&1 | sed 's/^/    /' >&2
  done
  exit 1
}
deploy/make-local-secrets.sh "$OSTEOFLOW_SECRETS_DIR" >/dev/null
choose_suite_ports
compose_engine_start "$work/engine" "$project"

# up and healthy: compose waits on each dependency's health; then the last
# one, progress, must be healthy too.
all_healthy() {
  local name status
  for name in store-redis cache-redis catalog screening scheduling progress; do
    status=$(podman inspect --format '{{.State.Health.Status}}' "${project}_${name}_1" 2>/dev/null) || return 1
    [[ $status == healthy ]] || return 1
  done
}
wait_healthy() {
  local tries
  for tries in $(seq 60); do all_healthy && return 0; sleep 1; done
  return 1
}
compose "$project" up --detach --no-build >"$work/up.txt" 2>&1 || fail "up: $(tail -n 5 "$work/up.txt")"
wait_healthy || fail "not every container became healthy"
echo "ok: the stack is up, every container healthy"

secrets=$OSTEOFLOW_SECRETS_DIR
OSTEOFLOW_BUILD_DIR=$build_dir scripts/harness.sh token clinician >"$work/clinician.jwt"
osteoflow() {
  "$build_dir/tools/osteoflow" --progress="127.0.0.1:$OSTEOFLOW_PROGRESS_PORT" \
    --tls_ca_file="$secrets/ca.pem" --tls_cert_file="$secrets/harness.pem" --tls_key_file="$secrets/harness.key" \
    --token_file="$work/clinician.jwt" "$@"
}
# A Monday at least a week back, so that week 1 can be logged.
week_ago=$(date -d "12:00 7 days ago" +%F)
start=$(date -d "$week_ago 12:00 $(( $(date -d "$week_ago 12:00" +%u) - 1 )) days ago" +%F)
enrolled=$(osteoflow enrol --intake=samples/intakes/osteopenia-no-fractures.json \
  --preferences=samples/preferences/osteopenia-no-fractures.json --start="$start" --request_id=compose-enrol-1) ||
  fail "enrol: $enrolled"
program=$(head -n 1 <<<"$enrolled" | cut -d' ' -f1)
[[ $program == patients/*/programs/* ]] || fail "enrolment answered: $enrolled"
osteoflow simulate-week --program="$program" >"$work/week1.txt" || fail "simulate-week: $(cat "$work/week1.txt")"
grep -q "^logged " "$work/week1.txt" || fail "no session logged: $(cat "$work/week1.txt")"
advanced=$(osteoflow advance --program="$program" --request_id=compose-advance-1) || fail "advance: $advanced"
grep -q "week 2" <<<"$advanced" || fail "advance answered: $(head -n 1 <<<"$advanced")"
echo "ok: from outside over mutual TLS with a token: enrolled, $(grep -c '^logged ' "$work/week1.txt") sessions logged, advanced to week 2"
osteoflow progress --program="$program" >"$work/progress-before.txt" || fail "progress: $(cat "$work/progress-before.txt")"
osteoflow plan --program="$program" >"$work/plan-before.txt" || fail "plan: $(cat "$work/plan-before.txt")"
patient=${program#patients/}
patient=${patient%%/*}
osteoflow events --patient="$patient" >"$work/events-before.txt" 2>/dev/null || fail "events: $(cat "$work/events-before.txt")"
grep -q "program.enrolled" "$work/events-before.txt" || fail "no enrolment on the feed: $(cat "$work/events-before.txt")"

# SIGTERM: compose stops progress with it and waits stop_grace_period (15 s)
# before SIGKILL; a drained service exits 0 on its own, well before.
compose "$project" config >"$work/config.yml"
grace=$(awk '/^  progress:/ { on = 1 } on && /stop_grace_period:/ { print $2; exit }' "$work/config.yml")
started=$SECONDS
compose "$project" stop progress >/dev/null 2>&1 || fail "stop progress"
took=$((SECONDS - started))
state=$(podman inspect --format '{{.State.ExitCode}}' "${project}_progress_1")
podman logs "${project}_progress_1" 2>&1 | tail -n 5 >"$work/progress-stop.txt"
[[ $state == 0 ]] || fail "progress exited $state after SIGTERM: $(cat "$work/progress-stop.txt")"
grep '"event":"stopped"' "$work/progress-stop.txt" | grep -q '"drained_within_deadline":true' ||
  fail "progress did not say it drained: $(cat "$work/progress-stop.txt")"
((took < ${grace%s})) || fail "progress took $took s to stop, not within its grace period ($grace)"
echo "ok: progress stopped by SIGTERM drained and exited 0 in $took s (grace period $grace)"

# Down keeps the store's named volume; up again finds everything.
compose "$project" down --timeout 15 >"$work/down.txt" 2>&1 || fail "down: $(cat "$work/down.txt")"
podman volume exists "${project}_store-data" || fail "the store's volume went with down"
compose "$project" up --detach --no-build >"$work/up-again.txt" 2>&1 ||
  fail "up again: $(tail -n 5 "$work/up-again.txt")"
wait_healthy || fail "not every container became healthy the second time"
osteoflow progress --program="$program" >"$work/progress-after.txt" || fail "progress after: $(cat "$work/progress-after.txt")"
osteoflow plan --program="$program" >"$work/plan-after.txt" || fail "plan after: $(cat "$work/plan-after.txt")"
cmp -s "$work/progress-before.txt" "$work/progress-after.txt" ||
  fail "the programme's progress changed across down and up: $(diff "$work/progress-before.txt" "$work/progress-after.txt")"
cmp -s "$work/plan-before.txt" "$work/plan-after.txt" || fail "the week's plan changed across down and up"
osteoflow events --patient="$patient" >"$work/events-after.txt" 2>/dev/null || fail "events after: $(cat "$work/events-after.txt")"
# Every event is still there (the missed-sessions sweep may have added one).
lost=$(grep -vxFf "$work/events-after.txt" "$work/events-before.txt" || true)
[[ -z $lost ]] || fail "events lost across down and up: $lost"
# The enrolment's request id is still known: its retry answers the same
# programme rather than enrolling the patient again.
again=$(osteoflow enrol --intake=samples/intakes/osteopenia-no-fractures.json \
  --preferences=samples/preferences/osteopenia-no-fractures.json --start="$start" --request_id=compose-enrol-1) ||
  fail "enrol again: $again"
[[ $(head -n 1 <<<"$again" | cut -d' ' -f1) == "$program" ]] || fail "a retried enrolment answered: $(head -n 1 <<<"$again")"
echo "ok: down (volume kept) and up again: the programme, its logs, week 2, its events and the enrolment's request id as they were"
