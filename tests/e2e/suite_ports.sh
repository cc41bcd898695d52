# Sourced by the end-to-end scripts: loopback ports for a local suite, and
# the harness brought up on them.
# shellcheck shell=bash

# Ports nothing listens on, all different, below the range the system hands
# out for outgoing connections and for port 0 (32768 and up), so that another
# test's process is unlikely to take one between the choice and the start; a
# caller whose start loses the race anyway chooses again.
taken=" "
free_port() {
  local port
  while true; do
    port=$(( 20000 + RANDOM % 12000 ))
    [[ $taken == *" $port "* ]] && continue
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && continue
    taken+="$port "
    echo "$port"
    return
  done
}

# Every OSTEOFLOW_<ROLE>_PORT and OSTEOFLOW_<SERVICE>_METRICS_PORT the local
# suite reads, exported.
choose_suite_ports() {
  local name port
  for name in STORE CACHE CATALOG SCREENING SCHEDULING PROGRESS; do
    port=$(free_port); taken+="$port "; export "OSTEOFLOW_${name}_PORT=$port"
  done
  for name in CATALOG SCREENING SCHEDULING PROGRESS; do
    port=$(free_port); taken+="$port "; export "OSTEOFLOW_${name}_METRICS_PORT=$port"
  done
}

# A work directory for a harness test, in $work, holding the harness's run
# directory and secrets; on exit the harness goes down (when it came up) and
# the directory goes unless the test failed.
harness_started=false
harness_workspace() {
  work=$(mktemp -d "${TMPDIR:-/tmp}/osteoflow-$1.XXXXXX")
  export OSTEOFLOW_RUN_DIR=$work/suite OSTEOFLOW_SECRETS_DIR=$work/secrets
  trap harness_finish EXIT
}
harness_finish() {
  local code=$?
  $harness_started && scripts/harness.sh down --volumes >/dev/null
  if [[ $code == 0 ]]; then rm -rf "$work"; else echo "kept for a look: $work" >&2; fi
  exit "$code"
}

# scripts/harness.sh up on free ports (MODE: --native, the default, or
# --containers), tried again on new ones when a start loses a port (its
# output in $1/up.txt); the endpoints it prints exported.
harness_up_on_free_ports() {
  local work=$1 mode=${2:---native} attempt
  harness_started=true
  for attempt in 1 2 3; do
    choose_suite_ports
    if scripts/harness.sh up "$mode" >"$work/up.txt" 2>&1; then
      # shellcheck disable=SC1090 # the endpoints as the harness prints them
      source <(scripts/harness.sh env | sed 's/^/export /')
      return 0
    fi
    scripts/harness.sh down >/dev/null
  done
  cat "$work/up.txt" >&2
  echo "the harness did not come up in three tries" >&2
  return 1
}
