#!/usr/bin/env bash
# Send-path benchmark: POST /api/v2/sms of `mockgateway serve` against the bare-aiohttp limit server,
# measured in the same run on the same machine (absolute figures swing between runs; ratios hold).
#
#   bench/run_send.sh                                   # variants: limit-asyncio limit-uvloop gateway
#   RUNS=5 DURATION=20s bench/run_send.sh gateway limit-uvloop
#   GC_STATS=1 bench/run_send.sh                        # also time the full GC passes in each server
#   bench/run_send.sh limit-uvloop gateway gateway@../other-checkout   # compare two trees in one run
#
# For each run of each variant (runs interleaved, order rotated every run):
#   1. start the server pinned to core $SERVER_CPU, timing process start -> ready line;
#   2. gateway only: get a real bearer token from POST /api/oauth/token (client_credentials);
#   3. pre-fill the store with $PREFILL messages (wrk + send.lua in loader mode, same request body);
#   4. read VmRSS of the server (memory with $PREFILL messages stored);
#   5. warm up for $WARMUP, then measure `wrk -t$THREADS -c$CONNS -d$DURATION --latency` on core $LOAD_CPU;
#   6. stop the server by its own PID.
# The limit server is pre-filled too, so both sides answer while holding the same number of messages.
# Everything is on 127.0.0.1, every step is bounded in time, and the script stops what it started.
set -uo pipefail
BENCH=$(cd "$(dirname "$0")" && pwd)
REPO=$(dirname "$BENCH")
SHARED=${SHARED:-$REPO/../shared}
SHARED=$(cd "$SHARED" 2>/dev/null && pwd || echo "$SHARED")
LIMIT_SERVER=$SHARED/bench/limit_server.py

PY=${PY:-$REPO/.venv/bin/python}
HOST=127.0.0.1
PORT=${PORT:-18090}
RUNS=${RUNS:-3}
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-2s}
CONNS=${CONNS:-32}
THREADS=${THREADS:-1}
PREFILL=${PREFILL:-100000}
PREFILL_MAX_S=${PREFILL_MAX_S:-180}  # upper bound for one pre-fill
CLOCK=${CLOCK:-virtual}              # virtual: no lifecycle timers fire while measuring the accept path
SERVER_CPU=${SERVER_CPU:-0}
LOAD_CPU=${LOAD_CPU:-1}
GC_STATS=${GC_STATS:-0}
BASE="http://$HOST:$PORT"
URL="$BASE/api/v2/sms"
LOGDIR=${LOGDIR:-$(mktemp -d /tmp/bench_send.XXXXXX)}
CLK_TCK=$(getconf CLK_TCK)
BUSY_MAX=${BUSY_MAX:-10}     # % of a core used by others during a measurement that discards it
RETRIES=${RETRIES:-2}        # re-runs of a discarded run
IDLE_WAIT=${IDLE_WAIT:-60}   # seconds to wait for an idle machine before a re-run

variants=("$@")
[ ${#variants[@]} -eq 0 ] && variants=(limit-asyncio limit-uvloop gateway)

for tool in wrk taskset curl; do
    command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install -y wrk util-linux curl)" >&2; exit 1; }
done
[ -x "$PY" ] || { echo "missing $PY (python3 -m venv .venv && .venv/bin/pip install -e '.[dev,fast]')" >&2; exit 1; }
PY=$(cd "$(dirname "$PY")" && pwd)/$(basename "$PY")  # servers start in another directory
[ -f "$LIMIT_SERVER" ] || { echo "missing $LIMIT_SERVER (set SHARED=...)" >&2; exit 1; }

SRV_PID=""
WRK_PID=""
stop_server() {
    if [ -n "$SRV_PID" ] && kill -0 "$SRV_PID" 2>/dev/null; then
        kill -TERM "$SRV_PID"
        for _ in $(seq 50); do kill -0 "$SRV_PID" 2>/dev/null || break; sleep 0.1; done
        kill -0 "$SRV_PID" 2>/dev/null && kill -KILL "$SRV_PID"
        wait "$SRV_PID" 2>/dev/null
    fi
    SRV_PID=""
}
cleanup() {
    if [ -n "$WRK_PID" ] && kill -0 "$WRK_PID" 2>/dev/null; then kill -KILL "$WRK_PID"; wait "$WRK_PID" 2>/dev/null; fi
    WRK_PID=""
    stop_server
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT TERM

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
rss_kb() { awk '/^VmRSS/{print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
now_ns() { date +%s%N; }
# busy ticks of the whole machine: user+nice+system+irq+softirq+steal
sys_ticks() { awk '/^cpu /{print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; }
busy_now() { # % of one core used over the next 2 s
    local a b
    a=$(sys_ticks); sleep 2; b=$(sys_ticks)
    echo $(( (b - a) * 100 / CLK_TCK / 2 ))
}
wait_idle() {
    local t=0
    while [ "$t" -lt "$IDLE_WAIT" ] && [ "$(busy_now)" -gt "$BUSY_MAX" ]; do t=$((t + 2)); done
}
# "median min max" of whitespace-separated numbers
stats() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '
    {v[NR]=$1} END {
        if (NR==0) {print "nan nan nan"; exit}
        m = (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2
        printf "%g %g %g\n", m, v[1], v[NR] }'; }

# start_server VARIANT LOG: sets SRV_PID and READY_MS (process start -> ready line, polled every 10 ms)
start_server() {
    local variant=$1 log=$2 pattern t0 cmd=() src=$REPO
    case $variant in
        limit-*)
            cmd=("$PY" "$LIMIT_SERVER" --port "$PORT")
            [[ $variant == *uvloop* ]] && cmd+=(--uvloop)
            [[ $variant == *orjson* ]] && cmd+=(--orjson)
            [[ $variant == *tuple* ]] && cmd+=(--store tuple)
            [ "$GC_STATS" = 1 ] && cmd+=(--gc-stats)
            pattern="READY" ;;
        gateway | gateway@*)
            # gateway@DIR runs the package found in DIR (another checkout) to compare it in the same run
            [[ $variant == gateway@* ]] && src=${variant#gateway@}
            if [ "$GC_STATS" = 1 ]; then cmd=("$PY" "$BENCH/gc_stats.py"); else cmd=("$PY" -m mockgateway); fi
            cmd+=(serve --host "$HOST" --port "$PORT" --clock "$CLOCK")
            pattern="listening on" ;;
        *) echo "unknown variant $variant (limit-asyncio, limit-uvloop[+orjson][+tuple], gateway[@DIR])" >&2
           exit 1 ;;
    esac
    if ss -ltn "sport = :$PORT" | grep -q LISTEN; then
        echo "port $PORT already in use; set PORT=..." >&2; exit 1
    fi
    : >"$log"
    t0=$(now_ns)
    # the server runs in $src so that `python -m` imports the package from there; exec keeps $! its PID
    (cd "$src" && PYTHONPATH="$src${PYTHONPATH:+:$PYTHONPATH}" exec taskset -c "$SERVER_CPU" "${cmd[@]}") >"$log" 2>&1 &
    SRV_PID=$!
    # $(<file) reads without running a program, so the poll barely competes with the starting server
    for _ in $(seq 1000); do
        [[ $(<"$log") == *"$pattern"* ]] && break
        kill -0 "$SRV_PID" 2>/dev/null || break
        sleep 0.01
    done
    READY_MS=$(( ($(now_ns) - t0) / 1000000 ))
    [[ $(<"$log") == *"$pattern"* ]] || { echo "server did not start:"; cat "$log"; exit 1; }
}

# fetch_token: a real access token from the gateway's OAuth endpoint
fetch_token() {
    curl -sf --max-time 5 -u demo-app-key:demo-app-secret -d grant_type=client_credentials "$BASE/api/oauth/token" |
        "$PY" -c 'import json, sys; print(json.load(sys.stdin)["access_token"])'
}

# prefill TOKEN LOG: POST until $PREFILL responses arrived, then end wrk (its -d only bounds the time)
prefill() {
    local token=$1 log=$2 marker="$LOGDIR/prefill.done"
    rm -f "$marker"
    MG_TOKEN=$token MG_STOP_AFTER=$PREFILL MG_DONE_FILE=$marker \
        taskset -c "$LOAD_CPU" wrk -t1 -c"$CONNS" -d"${PREFILL_MAX_S}s" -s "$BENCH/send.lua" "$URL" >"$log" 2>&1 &
    WRK_PID=$!
    while kill -0 "$WRK_PID" 2>/dev/null; do
        [ -e "$marker" ] && { kill -INT "$WRK_PID"; break; }
        sleep 0.1
    done
    wait "$WRK_PID" 2>/dev/null
    WRK_PID=""
    [ -e "$marker" ] || { echo "pre-fill did not reach $PREFILL responses within ${PREFILL_MAX_S}s:"; cat "$log"; exit 1; }
}

stored_in_gateway() {
    curl -sf --max-time 30 "$BASE/__admin/messages?limit=1" | "$PY" -c 'import json, sys; print(json.load(sys.stdin)["total"])'
}

echo "# send run: $(date -u +%FT%TZ)  host=$(uname -n) cpus=$(nproc)" \
     "python=$($PY -c 'import sys;print(sys.version.split()[0])')" \
     "aiohttp=$($PY -c 'import aiohttp;print(aiohttp.__version__)')" \
     "uvloop=$($PY -c 'import uvloop;print(uvloop.__version__)' 2>/dev/null || echo none)" \
     "wrk=$(wrk -v 2>&1 | awk 'NR==1{print $2}')"
echo "# servers on cpu $SERVER_CPU, wrk -t$THREADS -c$CONNS -d$DURATION on cpu $LOAD_CPU; pre-fill $PREFILL," \
     "warm-up $WARMUP, runs=$RUNS, gateway clock=$CLOCK, logs in $LOGDIR"
busy=$(busy_now)
echo "# preflight: other processes used ${busy}% of one core over 2 s (want ~0)"
if [ "$busy" -gt "$BUSY_MAX" ]; then
    echo "# WARNING: machine not idle; figures will be low/noisy:"
    ps -eo pid,pcpu,comm --sort=-pcpu | sed -n '2,6p' | sed 's/^/#   /'
fi

declare -A RPS P50 P99 SCPU CPR OTHER RSS READY
for run in $(seq "$RUNS"); do
    order=()
    for k in "${!variants[@]}"; do order+=("${variants[$(( (k + run - 1) % ${#variants[@]} ))]}"); done
    for variant in "${order[@]}"; do
        attempt=0
        while :; do
            tag="${variant//[^A-Za-z0-9_.+-]/_}_$run"
            start_server "$variant" "$LOGDIR/server_$tag.log"
            token=bench-token-0123456789abcdef
            if [[ $variant == gateway* ]]; then
                token=$(fetch_token) || { echo "no token from $BASE/api/oauth/token"; exit 1; }
            fi
            prefill "$token" "$LOGDIR/prefill_$tag.txt"
            rss=$(rss_kb "$SRV_PID")  # before anything else allocates: the memory of $PREFILL stored messages
            held=$(sed -n 's/.* requests=\([0-9]*\).*/\1/p' "$LOGDIR/prefill_$tag.txt")
            [[ $variant == gateway* ]] && held=$(stored_in_gateway)

            # gc_stats.py counts afresh from here (the limit server's --gc-stats covers its whole life)
            [[ $GC_STATS == 1 && $variant == gateway* ]] && kill -USR1 "$SRV_PID"
            MG_TOKEN=$token timeout 60 taskset -c "$LOAD_CPU" wrk -t"$THREADS" -c"$CONNS" -d"$WARMUP" \
                -s "$BENCH/send.lua" "$URL" >/dev/null 2>&1

            t0=$(cpu_ticks "$SRV_PID"); m0=$(sys_ticks)
            TIMEFORMAT='%U %S %R'
            { time MG_TOKEN=$token timeout 600 taskset -c "$LOAD_CPU" wrk -t"$THREADS" -c"$CONNS" \
                  -d"$DURATION" -s "$BENCH/send.lua" --latency "$URL" >"$LOGDIR/wrk_$tag.txt" 2>&1 ; } \
                2>"$LOGDIR/wrk_$tag.time"
            t1=$(cpu_ticks "$SRV_PID"); m1=$(sys_ticks)
            rss_end=$(rss_kb "$SRV_PID")
            stop_server
            gcline=$(grep '^GC gen2' "$LOGDIR/server_$tag.log" | sed 's/^GC //')
            [[ $GC_STATS == 1 && -z $gcline ]] && gcline="gen2: n=0"

            read -r wu ws wr <"$LOGDIR/wrk_$tag.time"
            res=$(grep '^RESULT' "$LOGDIR/wrk_$tag.txt")
            [ -n "$res" ] || { echo "wrk failed:"; cat "$LOGDIR/wrk_$tag.txt"; exit 1; }
            get() { sed -n "s/.* $1=\([0-9.]*\).*/\1/p" <<<"$res"; }
            rps=$(get rps); p50=$(get p50_us); p99=$(get p99_us); non2xx=$(get non2xx); errs=$(get errors)
            # server CPU time per request: steadier than req/s when other load shares the machine
            cpr=$(awk -v a="$t0" -v b="$t1" -v hz="$CLK_TCK" -v n="$(get requests)" 'BEGIN{printf "%.0f", 1e6*(b-a)/hz/n}')
            scpu=$(awk -v a="$t0" -v b="$t1" -v hz="$CLK_TCK" -v r="$wr" 'BEGIN{printf "%.0f", 100*(b-a)/hz/r}')
            wcpu=$(awk -v u="$wu" -v s="$ws" -v r="$wr" 'BEGIN{printf "%.0f", 100*(u+s)/r}')
            other=$(awk -v a="$m0" -v b="$m1" -v hz="$CLK_TCK" -v r="$wr" -v sc="$scpu" -v wc="$wcpu" \
                   'BEGIN{o = 100*(b-a)/hz/r - sc - wc; printf "%.0f", (o < 0 ? 0 : o)}')
            awk -v v="$variant" -v n="$run" -v rps="$rps" -v a="$p50" -v b="$p99" -v sc="$scpu" -v cpr="$cpr" -v ot="$other" \
                -v bm="$BUSY_MAX" -v nx="$non2xx" -v er="$errs" -v held="$held" -v rss="$rss" -v re="$rss_end" \
                -v rd="$READY_MS" -v gc="$gcline" 'BEGIN{
                printf "%-14s run %d: %7.0f req/s  p50 %6.2f ms  p99 %6.2f ms  server-cpu %3s%% (%s us/req)  other-cpu %3s%%%s" \
                       "  non2xx %s  errors %s  held %s  rss %.1f MB (after: %.1f MB)  ready %d ms%s\n",
                       v, n, rps, a/1000, b/1000, sc, cpr, ot, (ot > bm ? "(!)" : ""), nx, er, held, rss/1024, re/1024, rd,
                       (gc == "" ? "" : "  " gc) }'
            if [ "$non2xx" != 0 ] || [ "$errs" != 0 ]; then
                echo "    ^ WARNING: failed requests; see $LOGDIR/wrk_$tag.txt and $LOGDIR/server_$tag.log"
            fi
            if [ "$other" -gt "$BUSY_MAX" ] && [ "$attempt" -lt "$RETRIES" ]; then
                attempt=$((attempt + 1))
                echo "    ^ discarded: other processes used CPU; waiting for an idle machine, retry $attempt/$RETRIES"
                wait_idle
                continue
            fi
            break
        done
        RPS[$variant]+="$rps "; P50[$variant]+="$p50 "; P99[$variant]+="$p99 "; SCPU[$variant]+="$scpu "
        CPR[$variant]+="$cpr "
        OTHER[$variant]+="$other "; RSS[$variant]+="$rss "; READY[$variant]+="$READY_MS "
        sleep 1
    done
done

median() { read -r m _ _ <<<"$(stats <<<"$1")"; echo "$m"; }
ref_a=$(median "${RPS[limit-asyncio]:-}")
ref_u=$(median "${RPS[limit-uvloop]:-}")
echo
echo "| variant | req/s median [min..max] | p50 ms median [min..max] | p99 ms median [min..max] |" \
     "ratio to limit-asyncio | ratio to limit-uvloop | RSS with $PREFILL stored, MB | start-up to ready, ms [max] |" \
     "server CPU µs per request | other CPU % (max) |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for variant in "${variants[@]}"; do
    read -r rm rl rh <<<"$(stats <<<"${RPS[$variant]}")"
    read -r am al ah <<<"$(stats <<<"${P50[$variant]}")"
    read -r bm bl bh <<<"$(stats <<<"${P99[$variant]}")"
    read -r cm _ _ <<<"$(stats <<<"${CPR[$variant]}")"
    read -r _ _ om <<<"$(stats <<<"${OTHER[$variant]}")"
    read -r sm _ _ <<<"$(stats <<<"${RSS[$variant]}")"
    read -r dm _ dh <<<"$(stats <<<"${READY[$variant]}")"
    awk -v v="$variant" -v rm="$rm" -v rl="$rl" -v rh="$rh" -v am="$am" -v al="$al" -v ah="$ah" -v bm="$bm" \
        -v bl="$bl" -v bh="$bh" -v ra="$ref_a" -v ru="$ref_u" -v sm="$sm" -v dm="$dm" -v dh="$dh" -v cm="$cm" \
        -v om="$om" 'function ratio(x) { return (x == "nan" || x == "") ? "n/a" : sprintf("%.2f", rm / x) } BEGIN{
        printf "| %s | %.0f [%.0f..%.0f] | %.2f [%.2f..%.2f] | %.2f [%.2f..%.2f] | %s | %s | %.1f | %d [%d] | %s | %s |\n",
               v, rm, rl, rh, am/1000, al/1000, ah/1000, bm/1000, bl/1000, bh/1000, ratio(ra), ratio(ru),
               sm/1024, dm, dh, cm, om }'
done
