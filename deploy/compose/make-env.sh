#!/usr/bin/env bash
# Writes deploy/compose/.env — the passwords and keys compose.yaml interpolates — with random values.
# Git ignores it.
set -euo pipefail
env_file="$(cd "$(dirname "$0")" && pwd)/.env"
umask 077
random() { head -c 24 /dev/urandom | base64 | tr -d '/+=' ; }
# The key that seals AUTH's token signing keys at rest: 32 random bytes, base64.
kek() { head -c 32 /dev/urandom | base64 | tr -d '\n' ; }
# Each variable is written once: a run on an older .env adds only what it lacks (the MongoDB users
# per service are made when the database is first made).
[ -f "$env_file" ] || : > "$env_file"
add() { grep -q "^$1=" "$env_file" || { echo "$1=$2" >> "$env_file"; echo "added $1 to $env_file"; }; }
add OT_MONGO_ROOT_PASSWORD "$(random)"
add OT_MONGO_AUTH_PASSWORD "$(random)"
add OT_MONGO_GSS_PASSWORD "$(random)"
add OT_MONGO_LOGGER_PASSWORD "$(random)"
add OT_ADMIN_PASSWORD "$(random)"
add OT_AUTH_KEY_ENCRYPTION_KEY "$(kek)"
