# twprof shell integration for fish. Load it from ~/.config/fish/config.fish with:
#   twprof init fish | source

# `twprof use`/`off` print exports; this function evaluates them in this shell.
function twprof --description 'Switch this shell between Twilio profiles'
    switch "$argv[1]"
        case use off
            __TWPROF_FN=1 ::TWPROF:: --shell fish $argv | source
            return $pipestatus[1]
        case '*'
            ::TWPROF:: $argv
    end
end

# A new shell starts on the default profile, unless it inherited one.
if not set -q TWPROF_PROFILE
    ::TWPROF:: --shell fish use --startup | source
end
