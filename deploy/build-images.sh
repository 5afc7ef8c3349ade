#!/usr/bin/env bash
# Builds the platform's container images: the base (deploy/images/base/make-base.sh, from Debian
# packages), the five services, the reference compute service, and — for tests, compose without a
# registry and offline use — a Kafka broker and the Mongo-wire store. Prints each image's size and
# build time.
# Usage: deploy/build-images.sh [tag]     images ot-platform/<name>:<tag>, tag default 0.1.0 (the
#                                         tag the manifests and the catalog use)
# Environment: OT_SKIP_BUILD=1 skips `mvn package` (the jars are built); OT_IMAGE_BASE=<image> builds
# on that image instead of ours (any with Java 17 on PATH, e.g. docker.io/library/eclipse-temurin:17.0.15_6-jre);
# OT_BASE_REBUILD=1 makes our base again even if present. Uses podman, buildah or docker,
# whichever is present (exit 69 when none is).
set -euo pipefail
if [[ "${1:-}" == "-h" || "${1:-}" == "--help" ]]; then sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0; fi
cd "$(dirname "$0")/.."
tag="${1:-0.1.0}"
if command -v podman >/dev/null; then engine=podman; build=(podman build -q)
elif command -v buildah >/dev/null; then engine=buildah; build=(buildah bud -q)
elif command -v docker >/dev/null; then engine=docker; build=(docker build -q)
else
  echo "build-images: none of podman, buildah or docker is installed" >&2
  exit 69
fi
if [[ "${OT_SKIP_BUILD:-0}" != "1" ]]; then
  mvn -B -q -ntp -DskipTests package
fi

# make_base IMAGE [EXTRA MODULES]: our base, unless present (or OT_BASE_REBUILD=1).
make_base() {
  if [[ "${OT_BASE_REBUILD:-0}" == "1" ]] || ! "$engine" image inspect "$1" >/dev/null 2>&1; then
    local start=$SECONDS
    deploy/images/base/make-base.sh "$@" >/dev/null
    echo "built $1 in $((SECONDS - start)) s"
  fi
}
base="${OT_IMAGE_BASE:-}"
kafka_base="$base"
if [[ -z "$base" && "$engine" == buildah ]]; then
  echo "build-images: making the base needs podman or docker; with buildah set OT_IMAGE_BASE" >&2
  exit 69
fi
if [[ -z "$base" ]]; then
  base="localhost/ot-platform/base:$tag"
  kafka_base="localhost/ot-platform/base-kafka:$tag"
  make_base "$base"
  make_base "$kafka_base" java.desktop
fi

# name  Containerfile  build arguments
images=(
  "auth    service  SERVICE=auth PORT=8092"
  "gss     service  SERVICE=gss PORT=8091"
  "lss     service  SERVICE=lss PORT=8093"
  "relay   service  SERVICE=relay PORT=8094"
  "logger  service  SERVICE=logger PORT=8095"
  "compute compute"
  "broker  broker"
  "store   store"
)
for line in "${images[@]}"; do
  read -r name file args <<<"$line"
  build_args=(--build-arg "BASE=$base")
  [[ "$name" != broker ]] || build_args=(--build-arg "BASE=$kafka_base")
  for arg in $args; do build_args+=(--build-arg "$arg"); done
  start=$SECONDS
  "${build[@]}" -f "deploy/images/$file/Containerfile" "${build_args[@]}" -t "ot-platform/$name:$tag" . >/dev/null
  size=$("$engine" image inspect --format '{{.Size}}' "ot-platform/$name:$tag" 2>/dev/null || echo 0)
  printf 'built ot-platform/%-8s %6.1f MB  in %3d s\n' "$name:$tag" "$(awk "BEGIN {print $size / 1e6}")" \
    "$((SECONDS - start))"
done
