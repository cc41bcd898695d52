# One image for all four services: the binaries share every library and the
# data files are small, so one build, one scan and one version to roll out;
# each container chooses its service by its command (docker-compose.yml,
# deploy/base). Built on Debian 12 with the same setup script CI uses.

# --- build: the toolchain and the -dev packages as scripts/setup.sh installs
# them (only what compiles: no test tools), and only the shipped binaries
FROM debian:bookworm-slim AS build
WORKDIR /src
COPY . .
RUN rm -rf build node_modules .run \
 && bash scripts/setup.sh --compile-only \
 && OSTEOFLOW_BUILD_DIR=/src/build bash scripts/build.sh osteoflow-catalog osteoflow-screening \
      osteoflow-scheduling osteoflow-progress osteoflow-health osteoflow \
 && mkdir -p /out/bin /out/data \
 && cp build/services/catalog/osteoflow-catalog build/services/screening/osteoflow-screening \
       build/services/scheduling/osteoflow-scheduling build/services/progress/osteoflow-progress \
       build/tools/osteoflow-health build/tools/osteoflow /out/bin/ \
 && cp services/catalog/data/catalog.json services/screening/data/rules.json \
       services/scheduling/data/plan_rules.json services/progress/data/progression_rules.json /out/data/

# --- runtime: only the shared libraries the binaries link, and a non-root user
FROM debian:bookworm-slim AS runtime
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libgrpc++1.51 libprotobuf32 libabsl20220623 libhiredis0.14 libjwt0 libssl3 zlib1g libzstd1 libprometheus-cpp-core1.0 libprometheus-cpp-pull1.0 ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 osteoflow \
 && useradd --system --uid 10001 --gid osteoflow --no-create-home --shell /usr/sbin/nologin osteoflow
COPY --from=build /out/bin/ /usr/local/bin/
COPY --from=build /out/data/ /usr/share/osteoflow/
# Data files where each service looks by default is the working tree layout;
# in the image the settings point at /usr/share/osteoflow (see the env below).
ENV OSTEOFLOW_CATALOG_FILE=/usr/share/osteoflow/catalog.json \
    OSTEOFLOW_RULE_SET_FILE=/usr/share/osteoflow/rules.json \
    OSTEOFLOW_PLAN_RULES_FILE=/usr/share/osteoflow/plan_rules.json \
    OSTEOFLOW_PROGRESSION_RULES_FILE=/usr/share/osteoflow/progression_rules.json
USER 10001:10001
# The catalog unless a command says otherwise; every service takes its
# settings from OSTEOFLOW_* variables.
ENTRYPOINT ["/usr/local/bin/osteoflow-catalog"]
