# twprof shell integration for zsh. Load it from ~/.zshrc with:
#   eval "$(twprof init zsh)"

# `twprof use`/`off` print exports: this function evaluates them in this shell.
# `pin`, `unpin`, `allow` and `deny` take effect at once.
twprof() {
  emulate -L zsh
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
        '') __twprof_script="$(__TWPROF_FN=1 ::TWPROF:: --shell zsh "$@")" ;;
        zsh) __twprof_script="$(__TWPROF_FN=1 ::TWPROF:: "$@")" ;;
        # Another shell's syntax was asked for: print it, never evaluate it here.
        *)
          ::TWPROF:: "$@"
          return
          ;;
      esac
      __twprof_status=$?
      if (( __twprof_status == 0 )) && [[ -n $__twprof_script ]]; then
        eval "$__twprof_script"
      fi
      return $__twprof_status
      ;;
    pin | unpin | allow | deny)
      ::TWPROF:: "$@"
      __twprof_status=$?
      typeset -g __twprof_seen=
      __twprof_hook
      return $__twprof_status
      ;;
    *)
      ::TWPROF:: "$@"
      ;;
  esac
}

# Runs on chpwd and precmd. Finds the governing .twprof with builtins only, and
# runs `twprof hook` only when that file (its path or content) differs from the
# one seen last, so an unchanged prompt spawns nothing.
__twprof_hook() {
  local __twprof_status=$?
  emulate -L zsh
  local __twprof_dir=$PWD __twprof_file='' __twprof_content='' __twprof_script
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
    read -r -u 0 -k 1025 __twprof_content 2>/dev/null <$__twprof_file
  fi
  # "f:" first: never a bare absolute path, which auto_name_dirs would name (SPEC §3).
  if [[ f:$__twprof_file/$__twprof_content != ${__twprof_seen-} ]]; then
    typeset -g __twprof_seen=f:$__twprof_file/$__twprof_content
    if [[ -o interactive ]]; then
      __twprof_script=$(::TWPROF:: hook zsh)
    else
      __twprof_script=$(::TWPROF:: hook zsh 2>/dev/null)
    fi
    [[ -z $__twprof_script ]] || eval "$__twprof_script"
  fi
  return $__twprof_status
}

autoload -Uz add-zsh-hook
add-zsh-hook chpwd __twprof_hook
add-zsh-hook precmd __twprof_hook

# A new shell starts on the default profile, unless it inherited one.
if [[ -z ${TWPROF_PROFILE-} ]]; then
  eval "$(::TWPROF:: --shell zsh use --startup)"
fi
