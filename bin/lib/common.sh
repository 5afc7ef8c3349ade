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
