#!/usr/bin/env bash
# Makes what docker-compose.yml mounts, for a trial or an integration
# harness: a CA, one certificate per service (named for its compose host and
# localhost), a client certificate for a harness's own calls (its name is no
# service identity, so its calls need tokens), and the token issuer's key
# pair. Never for production: there
# the certificates come from your CA and the key from your token issuer.
#
# Usage: deploy/make-local-secrets.sh [DIR]    (default: deploy/local/secrets)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
dir=${1:-deploy/local/secrets}
mkdir -p "$dir"
cd "$dir"
ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
openssl req -x509 "${ec[@]}" -days 30 -keyout ca.key -out ca.pem -subj "/CN=osteoflow local CA" 2>/dev/null
for service in catalog screening scheduling progress harness; do
  openssl req -new "${ec[@]}" -keyout "$service.key" -out "$service.csr" -subj "/CN=$service" 2>/dev/null
  printf 'subjectAltName=DNS:%s,DNS:localhost,IP:127.0.0.1\n' "$service" >"$service.ext"
  openssl x509 -req -in "$service.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -days 30 \
    -extfile "$service.ext" -out "$service.pem" 2>/dev/null
  rm -f "$service.csr" "$service.ext"
done
openssl ecparam -genkey -name prime256v1 -noout -out token-signing.pem
openssl ec -in token-signing.pem -pubout -out token-verifying.pem 2>/dev/null
# Readable by the services' non-root user (uid 10001) in the containers.
chmod 0644 ./*.pem ./*.key
echo "made $(pwd): ca.pem, <service>.pem/.key, harness.pem/.key, token-signing.pem, token-verifying.pem"
