#!/usr/bin/env bash
# Writes deploy/compose/.env — the passwords compose.yaml interpolates — with random values, unless
# it exists already. Git ignores it.
set -euo pipefail
env_file="$(cd "$(dirname "$0")" && pwd)/.env"
if [ -f "$env_file" ]; then
  echo "$env_file exists; keeping it"
  exit 0
fi
umask 077
random() { head -c 24 /dev/urandom | base64 | tr -d '/+=' ; }
{
  echo "OT_MONGO_ROOT_PASSWORD=$(random)"
  echo "OT_MONGO_APP_PASSWORD=$(random)"
  echo "OT_ADMIN_PASSWORD=$(random)"
} > "$env_file"
echo "wrote $env_file"
