# twprof shell integration for zsh. Load it from ~/.zshrc with:
#   eval "$(twprof init zsh)"

# `twprof use`/`off` print exports; this function evaluates them in this shell.
twprof() {
  emulate -L zsh
  local __twprof_script __twprof_status
  case "${1-}" in
    use | off)
      __twprof_script="$(__TWPROF_FN=1 ::TWPROF:: --shell zsh "$@")"
      __twprof_status=$?
      if (( __twprof_status == 0 )) && [[ -n $__twprof_script ]]; then
        eval "$__twprof_script"
      fi
      return $__twprof_status
      ;;
    *)
      ::TWPROF:: "$@"
      ;;
  esac
}

# A new shell starts on the default profile, unless it inherited one.
if [[ -z ${TWPROF_PROFILE-} ]]; then
  eval "$(::TWPROF:: --shell zsh use --startup)"
fi
