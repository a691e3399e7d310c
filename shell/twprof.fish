# twprof shell integration for fish. Load it from ~/.config/fish/config.fish with:
#   twprof init fish | source

# `twprof use`/`off` print exports: this function evaluates them in this shell.
# `pin`, `unpin`, `allow` and `deny` take effect at once.
function twprof --description 'Switch this shell between Twilio profiles'
    switch "$argv[1]"
        case use off
            __TWPROF_FN=1 ::TWPROF:: --shell fish $argv | source
            return $pipestatus[1]
        case pin unpin allow deny
            ::TWPROF:: $argv
            set -l __twprof_status $status
            set -g __twprof_seen
            __twprof_hook
            return $__twprof_status
        case '*'
            ::TWPROF:: $argv
    end
end

# Runs when PWD changes and before each prompt. Finds the governing .twprof with
# builtins only, and runs `twprof hook` only when that file (its path or content)
# differs from the one seen last, so an unchanged prompt spawns nothing.
function __twprof_hook --on-variable PWD --on-event fish_prompt
    set -l __twprof_status $status
    set -l __twprof_dir $PWD
    set -l __twprof_file
    while true
        set -l __twprof_candidate (string replace -r '/$' '' -- $__twprof_dir)/.twprof
        if test -f $__twprof_candidate
            set __twprof_file $__twprof_candidate
            break
        end
        test "$__twprof_dir" = /; and break
        set __twprof_dir (string replace -r '/[^/]*$' '' -- $__twprof_dir)
        test -n "$__twprof_dir"; or set __twprof_dir /
    end
    set -l __twprof_content
    if test -n "$__twprof_file"
        read -z -n 1025 __twprof_content 2>/dev/null <$__twprof_file
    end
    if test "$__twprof_file/$__twprof_content" != "$__twprof_seen"
        set -g __twprof_seen "$__twprof_file/$__twprof_content"
        if status is-interactive
            ::TWPROF:: hook fish | source
        else
            ::TWPROF:: hook fish 2>/dev/null | source
        end
    end
    return $__twprof_status
end

# A new shell starts on the default profile, unless it inherited one.
if not set -q TWPROF_PROFILE
    ::TWPROF:: --shell fish use --startup | source
end
