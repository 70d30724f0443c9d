#!/bin/sh
# The interactive shell in tmux: the prompt from the daemon, TAB
# completes a live tunnel name, `?` lists what may come next with help
# and keeps the line, a prefix command runs, configure mode changes the
# prompt, the pager takes a long answer and `terminal length 0` turns it
# off, Ctrl-D leaves.
. "$(dirname "$0")/lib.sh"
ns_init
command -v tmux >/dev/null 2>&1 || fail "tmux missing"
ns_pair a b
{
	printf 'hostname = "tmuxhost"\ndataplane = none\n'
	printf 'tunnel "zebra-%s" {\n\tremote = %s\n\tinitiate = no\n}\n' $$ "$V4_B"
} | daemon_start A "$NS_A"
TMUX_S="l2tpsh$$"
export TMUX_TMPDIR="$WORK"
cleanup_tmux() { tmux kill-server 2>/dev/null; }
trap '_rc=$?; cleanup_tmux; (exit $_rc); ns_cleanup' EXIT
tmux new-session -d -s "$TMUX_S" -x 150 -y 20 \
    "HOME=$WORK PAGER='cat -n' $L2TPSH -S $WORK/A.sock; sleep 30" ||
    fail "tmux"

# screen_wait REGEX: the pane shows it within 5 s.
screen_wait() {
	i=0
	while :; do
		tmux capture-pane -p -t "$TMUX_S" >"$WORK/screen"
		grep -Eq -- "$1" "$WORK/screen" && return 0
		i=$((i + 1))
		[ $i -gt 50 ] && fail "screen never showed /$1/: $(cat "$WORK/screen")"
		sleep 0.1
	done
}
keys() { tmux send-keys -t "$TMUX_S" "$@"; }

screen_wait '^tmuxhost# ?$'
keys 'show tunnel zeb' Tab
screen_wait "^tmuxhost# show tunnel zebra-$$ ?\$"
keys '?'
screen_wait '^  detail +Every detail'
grep -q '^  <cr>' "$WORK/screen" || fail "? lacks <cr>: $(cat "$WORK/screen")"
screen_wait "^tmuxhost# show tunnel zebra-$$ ?\$"
keys Enter
screen_wait "^zebra-$$ +idle"
keys C-l 'sh ver' Enter
screen_wait '^l2tpv3d [0-9]'
keys 'conf t' Enter
screen_wait '^tmuxhost\(config\)# ?$'
keys "tunnel zebra-$$" Enter
screen_wait '^tmuxhost\(config-tunnel\)# ?$'
keys -l end # (plain "end" is tmux's name for the End key)
keys Enter
screen_wait '^tmuxhost# ?$'
# The pager (here `cat -n`, so its work shows) for an answer longer
# than the 20-line pane; none after terminal length 0.
keys C-l 'show running-config all' Enter
screen_wait '^ +[0-9]+ +tunnel "zebra'
keys C-l 'terminal length 0' Enter 'show running-config all' Enter
screen_wait '^tunnel "zebra'
keys C-d
screen_wait '^$'
sleep 0.3
grep -q "zebra-$$" "$WORK/.l2tpsh_history" ||
    fail "no history file: $(ls -a "$WORK")"
exit 0
