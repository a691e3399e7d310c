# twprof shell integration for bash. Load it from ~/.bashrc with:
#   eval "$(twprof init bash)"
# shellcheck shell=bash

# `twprof use`/`off` print exports; this function evaluates them in this shell.
twprof() {
  local __twprof_script __twprof_status
  case "${1-}" in
    use | off)
      __twprof_script="$(__TWPROF_FN=1 ::TWPROF:: --shell bash "$@")"
      __twprof_status=$?
      if [ "$__twprof_status" -eq 0 ] && [ -n "$__twprof_script" ]; then
        eval "$__twprof_script"
      fi
      return "$__twprof_status"
      ;;
    *)
      ::TWPROF:: "$@"
      ;;
  esac
}

# A new shell starts on the default profile, unless it inherited one.
if [ -z "${TWPROF_PROFILE-}" ]; then
  eval "$(::TWPROF:: --shell bash use --startup)"
fi
