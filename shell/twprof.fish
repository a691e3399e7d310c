# twprof shell integration for fish. Load it from ~/.config/fish/config.fish with:
#   twprof init fish | source

# `twprof use`/`off` print exports: this function evaluates them in this shell.
# `pin`, `unpin`, `allow` and `deny` take effect at once.
function twprof --description 'Switch this shell between Twilio profiles'
    set -l __twprof_word
    set -l __twprof_command
    set -l __twprof_option
    set -l __twprof_shell
    set -l __twprof_status
    # The subcommand is the first word that is neither an option nor an option's value.
    for __twprof_word in $argv
        if set -q __twprof_option[1]
            test "$__twprof_option" = --shell; and set __twprof_shell "$__twprof_word"
            set __twprof_option
            continue
        end
        switch "$__twprof_word"
            case --config --shell
                set __twprof_option "$__twprof_word"
            case '--shell=*'
                set __twprof_shell (string sub --start 9 -- "$__twprof_word")
            case '-*'
            case '*'
                set __twprof_command "$__twprof_word"
                break
        end
    end
    switch "$__twprof_command"
        case use off
            switch "$__twprof_shell"
                case ''
                    __TWPROF_FN=1 ::TWPROF:: --shell fish $argv | source
                    set __twprof_status $pipestatus[1]
                case fish
                    __TWPROF_FN=1 ::TWPROF:: $argv | source
                    set __twprof_status $pipestatus[1]
                case '*'
                    # Another shell's syntax was asked for: print it, never evaluate it here.
                    ::TWPROF:: $argv
                    return
            end
            return $__twprof_status
        case pin unpin allow deny
            ::TWPROF:: $argv
            set __twprof_status $status
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
        set -l __twprof_candidate "$__twprof_dir/.twprof"
        test "$__twprof_dir" = /; and set __twprof_candidate /.twprof
        if test -f "$__twprof_candidate"
            set __twprof_file "$__twprof_candidate"
            break
        end
        test "$__twprof_dir" = /; and break
        # A substitution splits on newlines, except for string split's own pieces:
        # a directory name may hold a newline.
        set __twprof_dir (string split --right --max 1 -- / "$__twprof_dir")[1]
        test -n "$__twprof_dir"; or set __twprof_dir /
    end
    set -l __twprof_content
    if test -n "$__twprof_file"
        read -z -n 1025 __twprof_content 2>/dev/null <"$__twprof_file"
    end
    # "f:" first: never a bare absolute path (SPEC §3; zsh would name it a directory).
    if test "f:$__twprof_file/$__twprof_content" != "$__twprof_seen"
        set -g __twprof_seen "f:$__twprof_file/$__twprof_content"
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
