#!/usr/bin/env bash
# The harness kit natively: scripts/harness.sh up with no flag, where podman
# is a stand-in that fails as a broken engine does, must come up natively on
# free loopback ports with fresh trial secrets and say why. Then, from
# outside, as a harness would: the command-line client over mutual TLS with
# tokens from `harness.sh token` enrols a sample patient, logs a simulated
# week and advances it to week 2; a call without a token is UNAUTHENTICATED,
# a patient app's token reaches its own patient only, a service's token
# reads the programme but may not clear it; after `harness.sh clock advance
# 14d` a programme that starts next Monday logs its first day and reaches
# week 2; `harness.sh down` stops everything it started.
#
# Usage: tests/e2e/harness_native.sh BUILD_DIR
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
build_dir=$(cd "${1:?usage: $0 BUILD_DIR}" && pwd)
export OSTEOFLOW_BUILD_DIR=$build_dir

# shellcheck source=tests/e2e/suite_ports.sh
source tests/e2e/suite_ports.sh
harness_workspace harness
fail() { echo "harness_native: $*" >&2; exit 1; }

# A podman that answers nothing, so that `up` with no flag must find that
# containers do not work, however this machine's podman fares. Its calls are
# counted, to show that --native asks nothing of it.
mkdir "$work/shim"
cat >"$work/shim/podman" <<'SHIM'
#!/bin/sh
echo "$*" >>"$(dirname "$0")/calls"
echo "Error: the engine is broken on purpose" >&2
exit 125
SHIM
chmod +x "$work/shim/podman"
export PATH=$work/shim:$PATH

harness_started=true
for attempt in 1 2 3; do
  choose_suite_ports
  scripts/harness.sh up >"$work/up.txt" 2>"$work/up.err" && break
  scripts/harness.sh down >/dev/null
  ((attempt < 3)) || fail "the harness did not come up in three tries: $(cat "$work/up.txt" "$work/up.err")"
done
# shellcheck disable=SC1090 # the endpoints as the harness prints them
source <(scripts/harness.sh env | sed 's/^/export /')
grep -q "up natively, mutual TLS and tokens on" "$work/up.txt" || fail "up printed: $(cat "$work/up.txt")"
grep -q "running natively, since containers do not work here: " "$work/up.err" ||
  fail "up did not say why it ran natively: $(cat "$work/up.err")"
# --native is the same start past the choice, so asking again on the suite
# already up (which starts nothing twice) shows the flag taken, podman left
# alone and no reason given.
rm -f "$work/shim/calls"
scripts/harness.sh up --native >"$work/up-native.txt" 2>"$work/up-native.err" ||
  fail "up --native: $(cat "$work/up-native.txt" "$work/up-native.err")"
grep -q "up natively" "$work/up-native.txt" || fail "up --native printed: $(cat "$work/up-native.txt")"
if [[ -e $work/shim/calls ]] || grep -q "containers" "$work/up-native.err"; then
  fail "up --native tried containers: $(cat "$work/shim/calls" "$work/up-native.err" 2>/dev/null)"
fi
[[ $OSTEOFLOW_PROGRESS == "127.0.0.1:$OSTEOFLOW_PROGRESS_PORT" && -f $OSTEOFLOW_CA_FILE ]] || fail "env printed wrong endpoints"

scripts/harness.sh token clinician >"$work/clinician.jwt"
tls=(--tls_ca_file="$OSTEOFLOW_CA_FILE" --tls_cert_file="$OSTEOFLOW_CLIENT_CERT_FILE"
     --tls_key_file="$OSTEOFLOW_CLIENT_KEY_FILE")
osteoflow() { "$build_dir/tools/osteoflow" --progress="$OSTEOFLOW_PROGRESS" "${tls[@]}" "$@"; }

# A Monday at least a week back, so that week 1 can be logged.
week_ago=$(date -d "12:00 7 days ago" +%F)
start=$(date -d "$week_ago 12:00 $(( $(date -d "$week_ago 12:00" +%u) - 1 )) days ago" +%F)
sample=samples/intakes/osteopenia-no-fractures.json
enrolled=$(osteoflow enrol --token_file="$work/clinician.jwt" --intake="$sample" \
  --preferences=samples/preferences/osteopenia-no-fractures.json --start="$start" --request_id="harness-enrol-1")
program=$(head -n 1 <<<"$enrolled" | cut -d' ' -f1)
[[ $program == patients/*/programs/* ]] || fail "enrolment answered: $enrolled"
osteoflow simulate-week --token_file="$work/clinician.jwt" --program="$program" >"$work/week1.txt"
grep -q "^logged " "$work/week1.txt" || fail "no session logged: $(cat "$work/week1.txt")"
advanced=$(osteoflow advance --token_file="$work/clinician.jwt" --program="$program" --request_id=harness-advance-1)
grep -q "week 2" <<<"$advanced" || fail "advance answered: $(head -n 1 <<<"$advanced")"

# Without a token: refused, and said so.
if osteoflow plan --program="$program" >"$work/no-token.txt" 2>&1; then fail "a call without a token was answered"; fi
grep -q "UNAUTHENTICATED\|16 " "$work/no-token.txt" || fail "no token: $(cat "$work/no-token.txt")"
# A patient app reaches its own patient's programme and no other's.
patient=$(cut -d/ -f2 <<<"$program")
scripts/harness.sh token patient_app "$patient" >"$work/own.jwt"
scripts/harness.sh token patient_app someone-else >"$work/other.jwt"
osteoflow plan --token_file="$work/own.jwt" --program="$program" >"$work/own.txt" 2>&1 || true
grep -q "week 2" "$work/own.txt" || fail "the patient's own app: $(cat "$work/own.txt")"
if osteoflow plan --token_file="$work/other.jwt" --program="$program" >"$work/other.txt" 2>&1; then
  fail "another patient's app read the programme"
fi
grep -q "PERMISSION_DENIED\|7 " "$work/other.txt" || fail "another patient's app: $(cat "$work/other.txt")"
# A service (a platform's back end) reads the programme, and may not clear
# it: clearances are a clinician's alone (ResumeProgram's access).
scripts/harness.sh token service >"$work/service.jwt"
osteoflow plan --token_file="$work/service.jwt" --program="$program" >"$work/service.txt" 2>&1 || true
grep -q "week 2" "$work/service.txt" || fail "a service's token: $(cat "$work/service.txt")"
if osteoflow resume --token_file="$work/service.jwt" --program="$program" --cleared_by=harness-clinician \
  >"$work/service-resume.txt" 2>&1; then
  fail "a service's token cleared the programme"
fi
# (7: PERMISSION_DENIED, as the tool prints it; a clinician's would be 9, the
# programme being active: the refusal is the role's, not the state's.)
grep -q "PERMISSION_DENIED\|: 7 " "$work/service-resume.txt" || fail "a service's clearance: $(cat "$work/service-resume.txt")"
# The test clock: a programme starting next Monday cannot log week 1 today;
# after `clock advance 14d` it can, and advances to week 2.
monday=$(date -d "12:00 next monday" +%F)
later=$(osteoflow enrol --token_file="$work/clinician.jwt" --intake="$sample" \
  --preferences=samples/preferences/osteopenia-no-fractures.json --start="$monday" --request_id="harness-enrol-2")
later_program=$(head -n 1 <<<"$later" | cut -d' ' -f1)
echo "{\"date\": \"$monday\"}" >"$work/monday.json"
if osteoflow log --token_file="$work/clinician.jwt" --program="$later_program" --session="$work/monday.json" \
  >"$work/future.txt" 2>&1; then
  fail "a log dated next Monday was taken before the clock moved"
fi
scripts/harness.sh clock advance 14d >"$work/clock.txt" || fail "clock advance: $(cat "$work/clock.txt")"
for service in progress screening scheduling catalog; do
  grep -q "\"$service\"" "$work/clock.txt" || fail "the clock move did not reach $service: $(cat "$work/clock.txt")"
done
osteoflow log --token_file="$work/clinician.jwt" --program="$later_program" --session="$work/monday.json" \
  >"$work/logged.txt" 2>&1 || fail "after the clock moved, the log: $(cat "$work/logged.txt")"
osteoflow advance --token_file="$work/clinician.jwt" --program="$later_program" --request_id=harness-advance-2 \
  >"$work/later.txt" 2>&1 || true
head -n 1 "$work/later.txt" | grep -q "week 2" || fail "advance after the clock moved: $(cat "$work/later.txt")"
# A token for a role that does not exist is refused by the kit itself.
if scripts/harness.sh token nurse 2>/dev/null; then fail "a token for an unknown role was made"; fi

scripts/harness.sh down >/dev/null
harness_started=false
for port in "$OSTEOFLOW_PROGRESS_PORT" "$OSTEOFLOW_STORE_PORT"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then fail "127.0.0.1:$port still answers after down"; fi
done
echo "harness_native: up natively by itself, tokens for each role, enrol, a week logged and advanced over mutual TLS, refusals, the test clock, down: ok"
