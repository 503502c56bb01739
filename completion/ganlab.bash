# SPDX-License-Identifier: GPL-3.0-or-later
# ganlab.bash — bash completion for ganlab(1): commands, options, experiment
# names, f-divergence names, and the choices an option's help lists (alt|sim).
# Every list is read, when TAB is pressed, from the ganlab being completed:
# its --help texts, `ganlab exp --list` and `ganlab div --list`, so the
# completion always matches that binary. Installed as
# share/bash-completion/completions/ganlab; or: source completion/ganlab.bash

# the commands: the indented words of the "commands:" block of --help
_ganlab_commands()
{
    "$1" --help 2>/dev/null |
        awk '/^commands:/ {f = 1; next} f && /^$/ {exit} f && /^  [a-z]/ {print $1}'
}

# every --option an indented line of a help text names, and -n style ones
_ganlab_options()
{
    awk '/^ / {
            s = $0
            while (match(s, /--[a-z][a-z0-9-]*/)) {
                print substr(s, RSTART, RLENGTH)
                s = substr(s, RSTART + RLENGTH)
            }
         }
         /^  -[a-z] / {print $1}' | sort -u
}

# the choices of an option whose help line reads "  --opt a|b|c ..."
_ganlab_choices()
{
    awk -v opt="$1" '$1 == opt && $2 ~ /^[a-z0-9]+(\|[a-z0-9]+)+$/ {gsub(/\|/, " ", $2); print $2; exit}'
}

_ganlab()
{
    local bin=${COMP_WORDS[0]} cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
    local cmd=${COMP_WORDS[1]} help words
    COMPREPLY=()
    if ((COMP_CWORD == 1)); then
        words="$(_ganlab_commands "$bin") --help --version"
        COMPREPLY=($(compgen -W "$words" -- "$cur"))
        return 0
    fi
    if [[ $cmd == exp ]]; then
        if ((COMP_CWORD == 2)); then
            words="$("$bin" exp --list 2>/dev/null | awk '{print $1}') --list --help"
            COMPREPLY=($(compgen -W "$words" -- "$cur"))
            return 0
        fi
        help="$("$bin" exp --help 2>/dev/null; "$bin" exp "${COMP_WORDS[2]}" --help 2>/dev/null)"
    else
        help="$("$bin" "$cmd" --help 2>/dev/null)"
    fi
    case $prev in
    --f)
        # div also knows w1, fit only the f-divergences proper
        words=$("$bin" div --list 2>/dev/null | awk 'NR > 1 {print $1}')
        [[ $cmd == fit ]] && words=${words//w1/}
        COMPREPLY=($(compgen -W "$words" -- "$cur"))
        return 0 ;;
    --out)
        COMPREPLY=($(compgen -d -- "$cur"))
        return 0 ;;
    --model | --samples | --save | --data-file)
        COMPREPLY=($(compgen -f -- "$cur"))
        return 0 ;;
    esac
    # merge's arguments are the slice directories
    if [[ $cmd == merge && $cur != -* ]]; then
        COMPREPLY=($(compgen -d -- "$cur"))
        return 0
    fi
    words=$(_ganlab_choices "$prev" <<<"$help")
    if [[ -n $words ]]; then
        COMPREPLY=($(compgen -W "$words" -- "$cur"))
    elif [[ $cur == -* ]]; then
        words=$(_ganlab_options <<<"$help")
        [[ $cmd == exp ]] && words=${words//--list/}
        COMPREPLY=($(compgen -W "$words" -- "$cur"))
    fi
    return 0
}
complete -F _ganlab ganlab
