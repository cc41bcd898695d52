#!/usr/bin/env bash
# The suite for an integration-test harness, secured as docker-compose.yml
# secures it (mutual TLS, a bearer token on every call), with what a harness
# needs to call it:
#   up [--native|--containers]  start it and print the endpoints, the CA and
#                         the client certificate, and how to call
#   down [--volumes]      stop it (the store's data is kept; in containers
#                         --volumes removes the store's volume too)
#   token ROLE [PATIENT]  print a bearer token (30 minutes) for clinician,
#                         service, operator, or patient_app bound to PATIENT
#   env                   print the endpoints and files again, as shell
#                         variables a harness can source
#   clock advance DURATION  move every service's clock forward (7d, 36h,
#                         90m, 30s): "today" moves for every date checked
#   clock show            the suite's time and how far it is ahead
# `up` runs docker-compose.yml in containers where podman can run them
# (root; the image is built first if there is none: scripts/build-image.sh),
# and the same settings natively on loopback otherwise
# (scripts/local-suite.sh), saying why on stderr. Whether podman can is
# tried, not assumed (containers_not_working); --native or --containers
# chooses instead. Either way the endpoints are 127.0.0.1 and the same
# ports. The trial CA, the certificates and the token key are made once in
# deploy/local/secrets (deploy/make-local-secrets.sh), the same ones
# docker-compose.yml mounts.
# Ports: OSTEOFLOW_<SERVICE>_PORT as the local suite's; the run directory is
# OSTEOFLOW_RUN_DIR (default .run/harness). Needs the host build for its
# tools (scripts/build.sh, or the run command).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
build_dir=${OSTEOFLOW_BUILD_DIR:-build}
secrets=${OSTEOFLOW_SECRETS_DIR:-$root/deploy/local/secrets}
export OSTEOFLOW_RUN_DIR=${OSTEOFLOW_RUN_DIR:-$root/.run/harness}
export OSTEOFLOW_SECRETS_DIR=$secrets
# The services read their settings from OSTEOFLOW_* too: the harness's run
# with the test clock (never a production setting; docs/harness.md).
export OSTEOFLOW_TEST_CLOCK=${OSTEOFLOW_TEST_CLOCK:-true}
source scripts/containers.sh
# In containers: docker-compose.yml with the test clock added, as a compose
# project of this run directory's own.
compose_overrides=("$root/deploy/containers/harness.compose.yml")
compose_project=osteoflow-harness-$(cksum <<<"$OSTEOFLOW_RUN_DIR" | cut -d' ' -f1)

usage() {
  echo "usage: $0 up [--native|--containers] | down [--volumes] | token ROLE [PATIENT_ID] | env | clock advance DURATION | clock show" >&2
  exit 2
}

# A call to progress's TestClockService as the operator.
clock_call() {
  local method=$1 request=$2 token
  token=$("$0" token operator) || exit 1
  "$build_dir/tools/osteoflow-call" --target="127.0.0.1:${OSTEOFLOW_PROGRESS_PORT:-50054}" \
    --tls_ca_file="$secrets/ca.pem" --tls_cert_file="$secrets/harness.pem" --tls_key_file="$secrets/harness.key" \
    --token_file=<(echo "$token") --method="osteoflow.testing.v1.TestClockService/$method" --request_json="$request"
}

endpoints() {
  cat <<ENV
OSTEOFLOW_CATALOG=127.0.0.1:${OSTEOFLOW_CATALOG_PORT:-50051}
OSTEOFLOW_SCREENING=127.0.0.1:${OSTEOFLOW_SCREENING_PORT:-50052}
OSTEOFLOW_SCHEDULING=127.0.0.1:${OSTEOFLOW_SCHEDULING_PORT:-50053}
OSTEOFLOW_PROGRESS=127.0.0.1:${OSTEOFLOW_PROGRESS_PORT:-50054}
OSTEOFLOW_CA_FILE=$secrets/ca.pem
OSTEOFLOW_CLIENT_CERT_FILE=$secrets/harness.pem
OSTEOFLOW_CLIENT_KEY_FILE=$secrets/harness.key
ENV
}

case "${1:-}" in
  up)
    [[ $# -le 2 && ( -z ${2:-} || ${2:-} == --native || ${2:-} == --containers ) ]] || usage
    [[ -x $build_dir/tools/osteoflow-token ]] || { echo "harness: build first (scripts/build.sh)" >&2; exit 1; }
    [[ -f $secrets/token-signing.pem && -f $secrets/harness.pem ]] || deploy/make-local-secrets.sh "$secrets" >/dev/null
    mode=${2:-auto}
    if [[ $mode != --native ]]; then
      # Containers where podman really runs one, natively otherwise; asked
      # for by name, containers where they do not work is an error.
      why=$(containers_not_working)
      if [[ $mode == --containers && -n $why ]]; then
        echo "harness: containers do not work here: $why (use --native)" >&2
        exit 1
      elif [[ $mode == auto && -n $why ]]; then
        echo "harness: running natively, since containers do not work here: $why" >&2
        mode=--native
      else
        mode=--containers
      fi
    fi
    mkdir -p "$OSTEOFLOW_RUN_DIR"
    if [[ $mode == --containers ]]; then
      podman image exists "$project_image" || {
        echo "harness: no image $project_image yet; building it (scripts/build-image.sh, about 10 minutes)"
        scripts/build-image.sh
      }
      echo containers >"$OSTEOFLOW_RUN_DIR/mode"
      compose_engine_start "$OSTEOFLOW_RUN_DIR/engine" "$compose_project"
      compose "$compose_project" up --detach --no-build >"$OSTEOFLOW_RUN_DIR/compose-up.log" 2>&1 || {
        tail -n 20 "$OSTEOFLOW_RUN_DIR/compose-up.log" >&2
        echo "harness: the stack did not come up ($OSTEOFLOW_RUN_DIR/compose-up.log)" >&2
        exit 1
      }
      # compose waited for every dependency's health; progress, the last, too.
      "$build_dir/tools/osteoflow-health" --target="127.0.0.1:${OSTEOFLOW_PROGRESS_PORT:-50054}" \
        --service=osteoflow.progress.v1.ProgressService --wait=60s --tls_ca_file="$secrets/ca.pem" \
        --tls_cert_file="$secrets/harness.pem" --tls_key_file="$secrets/harness.key" >/dev/null ||
        { echo "harness: progress did not become ready" >&2; exit 1; }
      where="in containers (docker-compose.yml with podman, project $compose_project)"
    else
      [[ -x $build_dir/services/progress/osteoflow-progress ]] || { echo "harness: build first (scripts/build.sh)" >&2; exit 1; }
      echo native >"$OSTEOFLOW_RUN_DIR/mode"
      scripts/local-suite.sh start
      where=natively
    fi
    echo
    echo "The suite is up $where, mutual TLS and tokens on. Endpoints and files (\`$0 env\`):"
    endpoints | sed 's/^/  /'
    cat <<HOW

Every call needs the CA, the client certificate and a bearer token, e.g.
  $build_dir/tools/osteoflow-call --target=127.0.0.1:${OSTEOFLOW_CATALOG_PORT:-50051} \\
    --tls_ca_file=$secrets/ca.pem --tls_cert_file=$secrets/harness.pem --tls_key_file=$secrets/harness.key \\
    --token_file=<(scripts/harness.sh token operator) \\
    --method=osteoflow.catalog.v1.CatalogService/GetCatalogInfo
Stop it with: $0 down
HOW
    ;;
  down)
    [[ $# -eq 1 || ( $# -eq 2 && $2 == --volumes ) ]] || usage
    if [[ $(cat "$OSTEOFLOW_RUN_DIR/mode" 2>/dev/null) == containers ]]; then
      # The store's volume is kept, as the native store's data is (in the
      # run directory), unless --volumes says to remove it too.
      if [[ ${2:-} == --volumes ]]; then
        compose_remove "$compose_project"
      else
        compose "$compose_project" down --timeout 15 >/dev/null 2>&1 || true
      fi
      compose_engine_stop "$OSTEOFLOW_RUN_DIR/engine"
    else
      scripts/local-suite.sh stop
    fi
    rm -f "$OSTEOFLOW_RUN_DIR/mode"
    ;;
  token)
    [[ $# -ge 2 && $# -le 3 ]] || usage
    [[ -f $secrets/token-signing.pem ]] || { echo "harness: no token key yet; run $0 up" >&2; exit 1; }
    "$build_dir/tools/osteoflow-token" --signing_key="$secrets/token-signing.pem" --role="$2" \
      ${3:+--patient_id="$3"}
    ;;
  env)
    [[ $# -eq 1 ]] || usage
    endpoints
    ;;
  clock)
    case "${2:-}" in
      show) [[ $# -eq 2 ]] || usage; clock_call GetClock '{}' ;;
      advance)
        [[ $# -eq 3 && $3 =~ ^([0-9]+)(d|h|m|s)$ ]] || { echo "harness: clock advance 7d | 36h | 90m | 30s" >&2; exit 2; }
        case "${BASH_REMATCH[2]}" in d) unit=86400 ;; h) unit=3600 ;; m) unit=60 ;; s) unit=1 ;; esac
        clock_call AdvanceClock "{\"by\": \"$(( BASH_REMATCH[1] * unit ))s\"}"
        ;;
      *) usage ;;
    esac
    ;;
  *) usage ;;
esac
