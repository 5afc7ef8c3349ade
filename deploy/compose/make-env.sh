#!/usr/bin/env bash
# Writes deploy/compose/.env — the passwords compose.yaml interpolates — with random values, unless
# it exists already. Git ignores it.
set -euo pipefail
env_file="$(cd "$(dirname "$0")" && pwd)/.env"
umask 077
random() { head -c 24 /dev/urandom | base64 | tr -d '/+=' ; }
# The key that seals AUTH's token signing keys at rest: 32 random bytes, base64.
kek() { head -c 32 /dev/urandom | base64 | tr -d '\n' ; }
if [ -f "$env_file" ]; then
  if ! grep -q '^OT_AUTH_KEY_ENCRYPTION_KEY=' "$env_file"; then
    echo "OT_AUTH_KEY_ENCRYPTION_KEY=$(kek)" >> "$env_file"
    echo "added OT_AUTH_KEY_ENCRYPTION_KEY to $env_file"
  else
    echo "$env_file exists; keeping it"
  fi
  exit 0
fi
{
  echo "OT_MONGO_ROOT_PASSWORD=$(random)"
  echo "OT_MONGO_APP_PASSWORD=$(random)"
  echo "OT_ADMIN_PASSWORD=$(random)"
  echo "OT_AUTH_KEY_ENCRYPTION_KEY=$(kek)"
} > "$env_file"
echo "wrote $env_file"
