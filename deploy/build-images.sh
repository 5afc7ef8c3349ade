#!/usr/bin/env bash
# Builds the container images of the platform's services and of the reference compute service
# with podman, buildah or docker, whichever is present. Usage: deploy/build-images.sh [tag]
# Images: ot-platform/<service>:<tag> (tag default 0.1.0), as deploy/ and the catalog name them.
set -euo pipefail
cd "$(dirname "$0")/.."
tag="${1:-0.1.0}"
if command -v podman >/dev/null; then build=(podman build)
elif command -v buildah >/dev/null; then build=(buildah bud)
elif command -v docker >/dev/null; then build=(docker build)
else
  echo "build-images: none of podman, buildah or docker is installed" >&2
  exit 69
fi
if [[ "${OT_SKIP_BUILD:-0}" != "1" ]]; then
  mvn -B -q -ntp -DskipTests package
fi
for service in auth gss lss relay logger compute; do
  echo "building ot-platform/${service}:${tag}"
  "${build[@]}" -f "deploy/images/${service}/Containerfile" -t "ot-platform/${service}:${tag}" .
done
