#!/bin/sh
# The benchmark driver at toy scale, so it cannot rot: 10 tunnels with 10
# sessions each between two daemons in namespaces, short windows.  It must
# finish without error and print one valid JSON object per result, each
# with a name, a numeric value, a unit and parameters, covering every
# step (UDP ceiling, codec, establishment, memory, CPU, show, teardown).
: "${top_builddir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
JQ=${JQ:-jq}

if [ "$(id -u)" != 0 ]; then
	echo "SKIP: needs root (network namespaces)"
	exit 77
fi
command -v "$JQ" >/dev/null 2>&1 || { echo "FAIL: jq missing"; exit 1; }
out=$(mktemp "${TMPDIR:-/tmp}/benchsmoke.XXXXXX")
trap 'rm -f "$out" "$out.json" "$out.scrape.json"' EXIT

"${PYTHON3:-python3}" "$top_srcdir/bench/l2tpbench.py" \
    --builddir "$top_builddir" --tunnels 10 --sessions 10 --quick \
    --steady-seconds 0.5 --udp-seconds 0.5 --json "$out.json" >"$out" 2>&1
rc=$?
cat "$out"
[ $rc -eq 0 ] || { echo "FAIL: the driver exited $rc"; exit 1; }

# Every line of the JSON file is an object with the four members.
"$JQ" -e -s 'length > 0 and all(.[];
    (.name | type) == "string" and (.value | type) == "number" and
    (.unit | type) == "string" and (.parameters | type) == "object")' \
    "$out.json" >/dev/null || { echo "FAIL: malformed result lines"; exit 1; }
for name in udp_ceiling codec_decode_validate establish_tunnels_seconds \
    establish_sessions_per_second rss_per_session_bytes \
    steady_cpu_hello60_percent_a steady_cpu_hello1_percent_b \
    show_tunnel_json_seconds show_session_json_seconds hellos_during_show \
    teardown_seconds; do
	# shellcheck disable=SC2016 # $n is jq's
	"$JQ" -e -s --arg n "$name" 'any(.[]; .name == $n)' "$out.json" \
	    >/dev/null || { echo "FAIL: no result named $name"; exit 1; }
done
# The scale asked for is the scale measured.
"$JQ" -e -s '.[] | select(.name == "establish_tunnels_seconds") |
    .parameters.tunnels == 10 and .parameters.sessions == 100 and
    .value > 0' "$out.json" >/dev/null ||
    { echo "FAIL: establishment result does not match the run"; exit 1; }
# --scrape: the metrics at toy scale, both ways, hellos counted (the
# tunnels brought up 5 at a time, so --ramp's reloads run too).
"${PYTHON3:-python3}" "$top_srcdir/bench/l2tpbench.py" \
    --builddir "$top_builddir" --tunnels 10 --sessions 10 --scrape \
    --ramp 5 --scrape-window 3 --json "$out.scrape.json" >"$out" 2>&1
rc=$?
cat "$out"
[ $rc -eq 0 ] || { echo "FAIL: the driver (--scrape) exited $rc"; exit 1; }
for name in scrape_show_metrics_seconds scrape_http_metrics_seconds; do
	# shellcheck disable=SC2016 # $n is jq's
	"$JQ" -e -s --arg n "$name" 'any(.[]; .name == $n and .value > 0)' \
	    "$out.scrape.json" >/dev/null ||
	    { echo "FAIL: no result named $name"; exit 1; }
done
# The hellos were counted in both windows (a count, so 0 is a value).
for name in scrape_hellos_missed scrape_baseline_hellos_missed; do
	# shellcheck disable=SC2016 # $n is jq's
	"$JQ" -e -s --arg n "$name" 'any(.[]; .name == $n and
	    .value >= 0 and .parameters.helloReceived > 0)' \
	    "$out.scrape.json" >/dev/null ||
	    { echo "FAIL: no result named $name with HELLOs counted"; exit 1; }
done
# --restart-storm: the cold start and the LNS's restart at toy scale,
# both described (10/50/90 % times, load) and the ratio given.
"${PYTHON3:-python3}" "$top_srcdir/bench/l2tpbench.py" \
    --builddir "$top_builddir" --tunnels 10 --sessions 2 --restart-storm \
    --json "$out.storm.json" >"$out" 2>&1
rc=$?
cat "$out"
[ $rc -eq 0 ] || { echo "FAIL: the driver (--restart-storm) exited $rc"; exit 1; }
"$JQ" -e -s 'any(.[]; .name == "restart_storm_seconds" and .value > 0 and
    .parameters.ratioToCold > 0 and .parameters.up90A > 0 and
    (.parameters.loadavg | length) == 3) and
    any(.[]; .name == "restart_storm_cold_seconds" and .value > 0 and
    .parameters.up50B > 0)' "$out.storm.json" >/dev/null ||
    { echo "FAIL: the restart-storm results are incomplete"; exit 1; }
# --graceful: a graceful restart of A at toy scale; the frozen window,
# the whole command and the HELLOs retransmitted around it.
"${PYTHON3:-python3}" "$top_srcdir/bench/l2tpbench.py" \
    --builddir "$top_builddir" --tunnels 10 --sessions 2 --graceful \
    --json "$out.graceful.json" >"$out" 2>&1
rc=$?
cat "$out"
[ $rc -eq 0 ] || { echo "FAIL: the driver (--graceful) exited $rc"; exit 1; }
"$JQ" -e -s 'any(.[]; .name == "graceful_restart_unread_seconds" and
    .value >= 0 and .value < 2) and
    any(.[]; .name == "graceful_restart_seconds" and .value > 0 and
    .parameters.establishedAfter == 10) and
    any(.[]; .name == "graceful_hellos_retransmitted" and
    .parameters.hellosReceived > 0)' "$out.graceful.json" >/dev/null ||
    { echo "FAIL: the graceful-restart results are incomplete"; exit 1; }
echo "PASS"
