#!/usr/bin/env bash
# Writes the Secrets' source files an overlay's secretGenerator reads — random passwords, never
# committed (.gitignore) — unless they exist already, so running it again changes nothing.
#   deploy/k8s/make-secrets.sh deploy/k8s/overlays/dev
set -euo pipefail
overlay="${1:?usage: make-secrets.sh <overlay directory>}"
[ -f "$overlay/kustomization.yaml" ] || { echo "make-secrets.sh: $overlay has no kustomization.yaml" >&2; exit 64; }
dir="$overlay/secrets"
mkdir -p "$dir"
umask 077
random() { head -c 24 /dev/urandom | base64 | tr -d '/+=' ; }
# Overlays with the TLS component run MongoDB on mutual TLS: the services' connection string asks
# for it (they present their own certificate, OT_TLS_*).
tls=""
grep -q "components/tls" "$overlay/kustomization.yaml" && tls="&tls=true"
# One MongoDB user per service (create-app-user.js), each with its own database only.
mongo_user() { # service database password
  echo "$1-password=$3"
  echo "$1-uri=mongodb://ot-$1:$3@mongodb.ot-platform.svc:27017/$2?authSource=admin$tls"
}
if [ ! -f "$dir/mongo.env" ]; then
  {
    echo "root-username=root"
    echo "root-password=$(random)"
    mongo_user auth ot_auth "$(random)"
    mongo_user gss ot_gss "$(random)"
    mongo_user logger ot_logs "$(random)"
  } > "$dir/mongo.env"
  echo "wrote $dir/mongo.env"
elif ! grep -q '^auth-uri=' "$dir/mongo.env"; then
  # Written before users per service: its database was made with the one shared user "ot", which
  # the services keep using until the database is made anew (see docs/architecture.md).
  shared=$(sed -n 's/^uri=//p' "$dir/mongo.env")
  {
    for s in auth gss logger; do echo "$s-password=$(random)"; echo "$s-uri=$shared"; done
  } >> "$dir/mongo.env"
  echo "updated $dir/mongo.env: the services keep the shared user of the existing database"
fi
if [ ! -f "$dir/auth.env" ]; then
  # Seals AUTH's token signing keys at rest (AES-256-GCM), so a reader of its database cannot mint tokens.
  echo "key-encryption-key=$(head -c 32 /dev/urandom | base64 | tr -d '\n')" > "$dir/auth.env"
  echo "wrote $dir/auth.env (the key that seals AUTH's signing keys; keep it with the database's backups)"
fi
if [ ! -f "$dir/admin.env" ]; then
  echo "password=$(random)" > "$dir/admin.env"
  echo "wrote $dir/admin.env (the bootstrap admin's password, user admin)"
fi
