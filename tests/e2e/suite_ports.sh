# Sourced by the end-to-end scripts: loopback ports for a local suite.
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
