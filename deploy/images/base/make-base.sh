#!/usr/bin/env bash
# Makes the platform's base image from Debian packages, without any registry but Debian's:
#   - a root file system of only the C and C++ runtime libraries the JVM links (libc6, libgcc-s1,
#     libstdc++6, zlib1g) plus netbase and base-files, extracted by mmdebstrap — no shell, no
#     package manager, no documentation;
#   - a Java runtime trimmed with jlink to the modules the services use, with the JDK's default
#     class-data archive (CDS) for those modules, native symbols stripped;
#   - /etc/passwd and /etc/group naming the services' user 10001 (`ot`), a /tmp open to all,
#     /var/lib/ot owned by that user (the broker's and the store's data).
# Usage: deploy/images/base/make-base.sh [image [extra modules]]
#   image default localhost/ot-platform/base:0.1.0; extra Java modules comma-separated (the broker's
#   image needs java.desktop: log4j's LoggerContext implements java.beans' listener).
# Needs root (mmdebstrap into a directory), mmdebstrap, podman (or docker), strip and a JDK 17 with
# its jmods; as root on Debian it installs what is missing. Environment: OT_BASE_SUITE (bookworm),
# OT_BASE_MIRROR (mmdebstrap's default), JAVA_HOME (the JDK whose jmods are linked).
set -euo pipefail
image="${1:-localhost/ot-platform/base:0.1.0}"
extra="${2:-}"
suite="${OT_BASE_SUITE:-bookworm}"
if [[ "${1:-}" == "-h" || "${1:-}" == "--help" ]]; then sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0; fi

# The Java modules of every service, found with `jdeps -summary` over their class paths, plus what
# is reached only at run time: jdk.crypto.ec (the platform's ECDSA certificates), jdk.zipfs, JFR.
# java.rmi is the broker's (kafka-tools). java.desktop (8 MB, with AWT's natives 11) is left out:
# in the services only optional binders of Micrometer and snakeyaml's bean support refer to it (the
# services read their OpenAPI YAML without the latter: common.http.Contracts).
modules=java.base,java.logging,java.management,jdk.management,java.naming,java.xml,java.sql,\
java.security.sasl,java.security.jgss,jdk.unsupported,jdk.crypto.ec,jdk.zipfs,jdk.jfr,\
jdk.management.jfr,java.rmi${extra:+,$extra}

java_home="${JAVA_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}"
missing=()
command -v mmdebstrap >/dev/null || missing+=(mmdebstrap)
command -v podman >/dev/null || command -v docker >/dev/null || missing+=(podman runc)
command -v strip >/dev/null || missing+=(binutils)
[[ -f "$java_home/jmods/java.base.jmod" ]] || missing+=(openjdk-17-jdk-headless)
if [[ ${#missing[@]} -gt 0 ]]; then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    echo "make-base: installing ${missing[*]} (apt-get)" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "make-base: needs ${missing[*]}; install them (not root here, so not done for you)" >&2
    exit 69
  fi
fi
if [[ $(id -u) -ne 0 ]]; then
  echo "make-base: run as root (mmdebstrap extracts packages into a directory with their owners)" >&2
  exit 77
fi
[[ "$("$java_home/bin/java" -XshowSettings:properties -version 2>&1 | awk '/java.specification.version/ {print $3}')" == 17 ]] \
  || { echo "make-base: $java_home is not a JDK 17 (set JAVA_HOME)" >&2; exit 78; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
root="$work/root"

exclude=()
for path in /usr/share/doc/* /usr/share/man/* /usr/share/info/* /usr/share/locale/* /usr/share/lintian/* \
    /usr/lib/x86_64-linux-gnu/gconv/*; do
  exclude+=(--dpkgopt="path-exclude=$path")
done
# extract: only the packages named, unpacked; no maintainer scripts, no dpkg database, no apt.
mmdebstrap --quiet --variant=extract --include=libc6,libgcc-s1,libstdc++6,zlib1g,netbase,base-files \
  "${exclude[@]}" "$suite" "$root" ${OT_BASE_MIRROR:+"$OT_BASE_MIRROR"}
rm -rf "$root/etc/apt" "$root/var/cache/apt" "$root/var/lib/apt" "$root/etc/dpkg" "$root/var/lib/dpkg"

"$java_home/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages \
  --compress=2 --generate-cds-archive --output "$root/opt/java" >/dev/null
# The archive for heaps over 32 GB (no compressed pointers) is never used at these sizes: 11 MB less.
rm -f "$root/opt/java/lib/server/classes_nocoops.jsa"
find "$root/opt/java" -name '*.so' -exec strip --strip-unneeded {} +

printf 'root:x:0:0:root:/root:/usr/sbin/nologin\not:x:10001:10001:OT Platform:/tmp:/usr/sbin/nologin\n' \
  > "$root/etc/passwd"
printf 'root:x:0:\not:x:10001:\n' > "$root/etc/group"
mkdir -p "$root/tmp" "$root/app" "$root/var/lib/ot"
chmod 1777 "$root/tmp"
# Where the broker's and the store's images keep their data (a volume mounted there takes this owner).
chown 10001:10001 "$root/var/lib/ot"
chmod 0700 "$root/var/lib/ot"

if command -v podman >/dev/null; then import=(podman import --quiet); else import=(docker import); fi
tar -C "$root" --numeric-owner -cf - . | "${import[@]}" \
  --change 'ENV PATH=/opt/java/bin:/usr/bin:/bin' \
  --change 'ENV JAVA_HOME=/opt/java' \
  --change 'ENV LANG=C.UTF-8' \
  --change 'USER 10001:10001' \
  --change 'WORKDIR /app' \
  --message "OT Platform base: Debian $suite libraries and a jlink'ed Java $("$java_home/bin/java" -version 2>&1 | awk -F'"' 'NR==1 {print $2}')" \
  - "$image" >/dev/null
echo "$image"
