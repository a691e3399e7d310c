# twprof shell integration for bash. Load it from ~/.bashrc with:
#   eval "$(twprof init bash)"
# shellcheck shell=bash

# `twprof use`/`off` print exports: this function evaluates them in this shell.
# `pin`, `unpin`, `allow` and `deny` take effect at once.
twprof() {
  local __twprof_script __twprof_status __twprof_word __twprof_command='' __twprof_option='' __twprof_shell=''
  # The subcommand is the first word that is neither an option nor an option's value.
  for __twprof_word in "$@"; do
    if [[ -n $__twprof_option ]]; then
      [[ $__twprof_option != --shell ]] || __twprof_shell=$__twprof_word
      __twprof_option=
      continue
    fi
    case $__twprof_word in
      --config | --shell) __twprof_option=$__twprof_word ;;
      --shell=*) __twprof_shell=${__twprof_word#--shell=} ;;
      -*) ;;
      *)
        __twprof_command=$__twprof_word
        break
        ;;
    esac
  done
  case $__twprof_command in
    use | off)
      case $__twprof_shell in
        '') __twprof_script="$(__TWPROF_FN=1 ::TWPROF:: --shell bash "$@")" ;;
        bash) __twprof_script="$(__TWPROF_FN=1 ::TWPROF:: "$@")" ;;
        # Another shell's syntax was asked for: print it, never evaluate it here.
        *)
          ::TWPROF:: "$@"
          return
          ;;
      esac
      __twprof_status=$?
      if [ "$__twprof_status" -eq 0 ] && [ -n "$__twprof_script" ]; then
        eval "$__twprof_script"
      fi
      return "$__twprof_status"
      ;;
    pin | unpin | allow | deny)
      ::TWPROF:: "$@"
      __twprof_status=$?
      __twprof_seen=
      __twprof_hook
      return "$__twprof_status"
      ;;
    *)
      ::TWPROF:: "$@"
      ;;
  esac
}

# Runs at every prompt and after cd/pushd/popd. Finds the governing .twprof
# with builtins only, and runs `twprof hook` only when that file (its path or
# content) differs from the one seen last, so an unchanged prompt spawns nothing.
__twprof_hook() {
  local __twprof_status=$? __twprof_dir=$PWD __twprof_file='' __twprof_content='' __twprof_script
  while :; do
    if [[ -f ${__twprof_dir%/}/.twprof ]]; then
      __twprof_file=${__twprof_dir%/}/.twprof
      break
    fi
    [[ -n ${__twprof_dir%/} ]] || break
    __twprof_dir=${__twprof_dir%/*}
    [[ -n $__twprof_dir ]] || __twprof_dir=/
  done
  if [[ -n $__twprof_file ]]; then
    IFS= read -r -d '' -n 1025 __twprof_content 2>/dev/null <"$__twprof_file"
  fi
  # "f:" first: never a bare absolute path (SPEC §3; zsh would name it a directory).
  if [[ f:$__twprof_file/$__twprof_content != "${__twprof_seen-}" ]]; then
    __twprof_seen=f:$__twprof_file/$__twprof_content
    if [[ $- == *i* ]]; then
      __twprof_script=$(::TWPROF:: hook bash)
    else
      __twprof_script=$(::TWPROF:: hook bash 2>/dev/null)
    fi
    [[ -z $__twprof_script ]] || eval "$__twprof_script"
  fi
  return "$__twprof_status"
}

# `cd proj && twilio …` must see proj's profile before the next prompt: wrap
# cd, pushd and popd (keeping any wrapper already defined), once.
__twprof_wrap() {
  local __twprof_def
  __twprof_def=$(declare -f "$1")
  case $__twprof_def in *__twprof_hook*) return ;; esac
  if [[ -n $__twprof_def ]]; then
    eval "__twprof_orig_$1${__twprof_def#"$1"}"
    eval "$1() { __twprof_orig_$1 \"\$@\" && __twprof_hook; }"
  else
    eval "$1() { builtin $1 \"\$@\" && __twprof_hook; }"
  fi
}
__twprof_wrap cd
__twprof_wrap pushd
__twprof_wrap popd
unset -f __twprof_wrap

# Once in PROMPT_COMMAND, string or array form, before the user's own entries.
if [[ $(declare -p PROMPT_COMMAND 2>/dev/null) == "declare -a"* ]]; then
  case " ${PROMPT_COMMAND[*]} " in
    *" __twprof_hook "*) ;;
    *) PROMPT_COMMAND=(__twprof_hook "${PROMPT_COMMAND[@]}") ;;
  esac
else
  # shellcheck disable=SC2128,SC2178 # the string form, told apart above
  case ";${PROMPT_COMMAND-};" in
    *";__twprof_hook;"*) ;;
    *) PROMPT_COMMAND="__twprof_hook${PROMPT_COMMAND:+;$PROMPT_COMMAND}" ;;
  esac
fi

# A new shell starts on the default profile, unless it inherited one.
if [ -z "${TWPROF_PROFILE-}" ]; then
  eval "$(::TWPROF:: --shell bash use --startup)"
fi
