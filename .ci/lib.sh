# Shared by the CI scripts that play a new user: sourced, not run.

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# Seconds since a now_ms reading, with two decimals.
seconds_since() { local ms=$(( $(now_ms) - $1 )); printf "%d.%02d" $(( ms / 1000 )) $(( ms % 1000 / 10 )); }

# Waits until FILE holds a line matching PATTERN (extended regex), for SECONDS at most.
wait_for() {
  local file=$1 pattern=$2 seconds=$3 deadline
  deadline=$(( $(date +%s) + seconds ))
  until grep -qE "$pattern" "$file" 2>/dev/null; do
    [ "$(date +%s)" -lt "$deadline" ] || return 1
    sleep 0.1
  done
}

# The demo's decoded readings, as the live tail prints them.
DEMO_READING='^[0-9:.]+  demo/demo-node/station  temperature +-?[0-9.]+ Cel$'

# Runs COMMAND... (the demo) in its own process group with output in OUT_PREFIX.out/.err,
# waits for a decoded reading, then stops it with Ctrl-C as a terminal would (the whole
# group; npm itself then exits 130) and checks that it stopped cleanly. Prints the time to
# the first reading.
demo_prints_readings() {
  local out=$1 what=$2 start pid status=0
  shift 2
  start=$(now_ms)
  setsid "$@" >"$out.out" 2>"$out.err" &
  pid=$!
  if ! wait_for "$out.out" "$DEMO_READING" 30; then
    kill -INT -- "-$pid" 2>/dev/null || true
    cat "$out.out" "$out.err" >&2
    echo "FAILED: $what printed no decoded reading within 30 s" >&2
    return 1
  fi
  echo "$what printed its first decoded reading after $(seconds_since "$start") s:"
  grep -E "$DEMO_READING" "$out.out" | head -1
  kill -INT -- "-$pid"
  wait "$pid" || status=$?
  if { [ "$status" -ne 0 ] && [ "$status" -ne 130 ]; } || grep -qE '"level":(50|60)|unexpected error|error while stopping|^\s+at ' "$out.err"; then
    cat "$out.err" >&2
    echo "FAILED: $what did not stop cleanly on Ctrl-C (exit $status)" >&2
    return 1
  fi
}
