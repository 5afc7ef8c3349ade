# Shared by the bin/ scripts (sourced, not run).

# True when the arguments ask for help.
help_requested() {
  local a
  for a in "$@"; do [[ "$a" == -h || "$a" == --help ]] && return 0; done
  return 1
}

# Prints the calling script's header comment (its usage), without building anything.
print_header() {
  awk 'NR == 1 { next } /^#/ { sub(/^# ?/, ""); print; next } { exit }' "$1"
}

# --help of a script that starts a Java program: the program's own help when it is built, else the
# script's header; never a build.
java_help() {
  local script=$1 jar=$2; shift 2
  if [[ -f "$jar" ]]; then
    exec java "$@" --help
  fi
  print_header "$script"
  echo
  echo "(not built yet, so this is the short form: after a build, --help lists every option)"
  exit 0
}

# JVM options for application class-data sharing (AppCDS) of a program started again and again:
# a run with no archive writes one of the classes it loaded when it exits; later runs map it rather
# than load those classes anew (the embedded platform starts ~1 s sooner here). An archive belongs
# to one Java and one set of jars, whose fingerprint is in its name: a rebuild makes a new one.
# Each JVM writes its own file (named by its pid: the caller must exec java), put in place by a
# later start once that JVM is gone; archives are checked when mapped, so a half-written one is
# never used. Usage: cds_options DIR NAME FILE... ; sets the array CDS_OPTIONS. OT_CDS=0: none.
# True while the process runs (a zombie, ended but not yet reaped, does not).
process_alive() {
  [[ "$1" =~ ^[0-9]+$ ]] && kill -0 "$1" 2>/dev/null && [[ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != Z ]]
}

cds_options() {
  local dir=$1 name=$2; shift 2
  CDS_OPTIONS=()
  [[ "${OT_CDS:-1}" == "0" ]] && return 0
  mkdir -p "$dir" 2>/dev/null || return 0
  local fp f pid
  fp=$( { readlink -f "$(command -v java)"; ls -l --time-style=+%s "$@"; } 2>/dev/null | sha256sum | cut -c1-16)
  for f in "$dir/$name"-*; do
    [[ -e "$f" ]] || continue
    case "$f" in
      "$dir/$name-$fp.jsa") ;;
      "$dir/$name-$fp".*.writing)
        pid=${f%.writing}; pid=${pid##*.}
        if ! process_alive "$pid"; then
          if [[ -s "$f" && ! -e "$dir/$name-$fp.jsa" ]]; then mv -f "$f" "$dir/$name-$fp.jsa"; else rm -f "$f"; fi
        fi ;;
      *) process_alive "$(basename "$f" .writing | sed 's/.*\.//')" || rm -f "$f" ;;
    esac
  done
  local quiet=(-Xlog:cds=off -Xlog:cds+dynamic=off)
  if [[ -s "$dir/$name-$fp.jsa" ]]; then
    CDS_OPTIONS=(-XX:SharedArchiveFile="$dir/$name-$fp.jsa" -XX:+VerifySharedSpaces "${quiet[@]}")
  else
    CDS_OPTIONS=(-XX:ArchiveClassesAtExit="$dir/$name-$fp.$$.writing" "${quiet[@]}")
  fi
}
