#!/usr/bin/env bash
# Serve lrviz to a class: several `streamlit run app.py` workers on loopback ports, and nginx
# in front of them on one port. nginx deals new browsers out to the workers in turn and pins
# each one to its worker for good (a cookie naming it), proxies the websockets, and serves the
# static files (Streamlit's frontend, plotly.js) from disk, compressed once at start.
# Everything it writes (nginx's config, logs, temp files) lives in one temporary directory,
# removed when it stops; no system configuration is read or changed except Debian's mime.types.
# Ctrl-C or SIGTERM stops every process it started. Run `bash scripts/serve.sh --help`.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() {
  cat <<EOF
Usage: bash scripts/serve.sh [--workers N] [--port P] [--host ADDRESS]

Serve lrviz to a class: N app workers behind nginx on port P.

  --workers N     app processes (1 to 64; default: the number of cores, $(nproc) here)
  --port P        the port students open (default: 8501)
  --host ADDRESS  listen on this IPv4 address only, e.g. 127.0.0.1
                  (default: every interface, so that other machines can connect)
  -h, --help      show this help

Installs Debian's nginx first when it is missing (apt-get; needs root or sudo).
Ctrl-C or SIGTERM stops every process it started.
EOF
}

bad_usage() {
  echo "serve.sh: $1" >&2
  echo "Run 'bash scripts/serve.sh --help' for the options." >&2
  exit 2
}

workers=$(nproc)
port=8501
host=""
while [ $# -gt 0 ]; do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --workers | --port | --host)
      [ $# -ge 2 ] || bad_usage "$1 needs a value"
      option=$1 value=$2
      shift 2 ;;
    --workers=* | --port=* | --host=*)
      option=${1%%=*} value=${1#*=}
      shift ;;
    *) bad_usage "unknown argument '$1'" ;;
  esac
  case "$option" in
    --workers) workers=$value ;;
    --port) port=$value ;;
    --host) host=$value ;;
  esac
done
if ! [[ $workers =~ ^[0-9]+$ ]] || ((10#$workers < 1 || 10#$workers > 64)); then
  bad_usage "--workers must be a whole number from 1 to 64, not '$workers'"
fi
if ! [[ $port =~ ^[0-9]+$ ]] || ((10#$port < 1 || 10#$port > 65535)); then
  bad_usage "--port must be a port number from 1 to 65535, not '$port'"
fi
if [ -n "$host" ]; then
  [[ $host =~ ^([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})$ ]] \
    || bad_usage "--host must be an IPv4 address such as 127.0.0.1, not '$host'"
  for octet in "${BASH_REMATCH[@]:1}"; do
    ((10#$octet <= 255)) || bad_usage "--host must be an IPv4 address such as 127.0.0.1, not '$host'"
  done
fi
workers=$((10#$workers))
port=$((10#$port))

fail() {
  echo "serve.sh: $1" >&2
  exit 1
}

# nginx: Debian's package, installed when missing (as scripts/test.sh installs Chromium).
nginx=$(command -v nginx || true)
[ -z "$nginx" ] && [ -x /usr/sbin/nginx ] && nginx=/usr/sbin/nginx
if [ -z "$nginx" ]; then
  echo "Installing nginx (Debian's package)..."
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq nginx >/dev/null
  nginx=/usr/sbin/nginx
  [ -x "$nginx" ] || fail "installing nginx did not give $nginx"
fi

# The interpreter itself, found once (python3 may be a slow wrapper such as a pyenv shim).
python=$(python3 -c "import sys; print(sys.executable)")
helpers=("$python" scripts/serve_helpers.py)
tied=("${helpers[@]}" tied $$)  # runs a command that gets SIGTERM if this script dies
found=$("${helpers[@]}" paths) || exit 1
{ read -r streamlit_static; read -r favicon; read -r plotly_js; } <<<"$found"
"${helpers[@]}" check-port "$host" "$port" || exit 1

# Every process started from here on is ours to stop: its PID is kept, and on the way out
# (normal or not) each one still running as our child gets SIGTERM, then SIGKILL if needed.
run_dir=""
worker_pids=()
nginx_pid=""
helper_pids=()  # helpers running in the background (while they run, signals act at once)

# Whether PID is a running (not yet exited) child of PARENT: a PID is only ever signalled
# after this check, so a process that is not ours is never touched, even if it reused a PID.
child_running() {
  local pid=$1 parent=$2 stat state ppid
  { read -r stat <"/proc/$pid/stat"; } 2>/dev/null || return 1
  read -r state ppid _ <<<"${stat##*) }"
  [ "$ppid" = "$parent" ] && [ "$state" != Z ]
}

# Stop our processes: nginx first (no new requests), then the workers; SIGKILL after 10 s.
stop_all() {
  local pid stat children=() deadline
  set +e  # nothing may cut this short (say, a message to a terminal that has been closed)
  trap '' INT TERM HUP PIPE
  for pid in "${helper_pids[@]}"; do
    if child_running "$pid" $$; then kill -TERM "$pid"; fi
  done
  if [ -n "$nginx_pid" ] && child_running "$nginx_pid" $$; then
    for stat in /proc/[0-9]*/stat; do  # nginx's own worker processes, in case it must be killed
      pid=${stat#/proc/}; pid=${pid%/stat}
      child_running "$pid" "$nginx_pid" && children+=("$pid")
    done
    kill -TERM "$nginx_pid"
  fi
  for pid in "${worker_pids[@]}"; do
    if child_running "$pid" $$; then kill -TERM "$pid"; fi
  done
  deadline=$((SECONDS + 10))
  for pid in "${helper_pids[@]}" ${nginx_pid:+"$nginx_pid"} "${worker_pids[@]}"; do
    while child_running "$pid" $$ && ((SECONDS < deadline)); do sleep 0.1; done
    if child_running "$pid" $$; then
      echo "serve.sh: pid $pid did not stop within 10 s; killing it" >&2
      kill -KILL "$pid"
    fi
    wait "$pid" 2>/dev/null || true
  done
  for pid in "${children[@]}"; do
    if child_running "$pid" "$nginx_pid"; then kill -KILL "$pid"; fi
  done
  [ -z "$run_dir" ] || rm -rf "$run_dir"
}
trap stop_all EXIT
trap 'trap "" PIPE; echo "Stopping..." || true; exit 0' INT TERM HUP
run_dir=$(mktemp -d "${TMPDIR:-/tmp}/lrviz-serve.XXXXXX")

# Show the end of a log, for a failure's explanation.
tail_log() {
  [ -s "$1" ] || return 0
  echo "--- last lines of $1:" >&2
  tail -n 15 "$1" >&2
}

# Start a helper in the background (bash runs a trap only once a foreground command ends).
start_helper() {
  "${helpers[@]}" "$@" &
  helper_pids+=($!)
}

# Run a helper and wait for it.
run_helper() {
  start_helper "$@"
  wait "$!"
}

# The workers: one shared cookie secret (new at every start), so that every worker accepts the
# XSRF token and signed cookies that another one issued. An environment variable keeps it out
# of the process list.
ports=$("${helpers[@]}" free-ports "$workers") || fail "found no free loopback ports"
read -r -a worker_ports <<<"$ports"
cookie_secret=$("$python" -c "import secrets; print(secrets.token_hex(32))")
echo "Starting $workers lrviz worker(s) and nginx on port $port (Ctrl-C stops them all)..."
for i in $(seq 1 "$workers"); do
  STREAMLIT_SERVER_COOKIE_SECRET=$cookie_secret "${tied[@]}" python3 -m streamlit run app.py \
    --server.address 127.0.0.1 --server.port "${worker_ports[i - 1]}" --server.headless true \
    --browser.gatherUsageStats false --server.fileWatcherType none >"$run_dir/worker-$i.log" 2>&1 &
  worker_pids+=($!)
  echo "  worker $i  pid $!  http://127.0.0.1:${worker_ports[i - 1]}  log $run_dir/worker-$i.log"
done

# Meanwhile: the static files, linked and gzipped once into the run directory.
start_helper mirror "$streamlit_static" "$run_dir/static" "$plotly_js" "$run_dir/plotly"
mirror_pid=$!

checks=()
for i in $(seq 1 "$workers"); do
  checks+=("worker $i=${worker_pids[i - 1]}=http://127.0.0.1:${worker_ports[i - 1]}/_stcore/health")
done
if ! run_helper wait-healthy 120 "${checks[@]}"; then
  for i in $(seq 1 "$workers"); do
    child_running "${worker_pids[i - 1]}" $$ || tail_log "$run_dir/worker-$i.log"
  done
  fail "a worker did not start; stopping everything"
fi
wait "$mirror_pid" || fail "could not prepare the static files in $run_dir"
# Each worker's first visitor pays for importing the app and preparing its data: pay it now.
urls=()
for i in $(seq 1 "$workers"); do urls+=("http://127.0.0.1:${worker_ports[i - 1]}"); done
run_helper warm-up "${urls[@]}" || echo "serve.sh: warning: could not open every worker's pages once; the first students wait a little longer" >&2

# nginx's configuration (its workers run as the user who started serve.sh: a root install of
# Python keeps the static files where nginx's default user could not read them).
user_directive=""
[ "$(id -u)" -eq 0 ] && user_directive="user root;"
listen=${host:+$host:}$port
# Per worker: its line in the upstream group, and in the map of the cookies that pin a browser.
upstream_servers="" pins=""
for p in "${worker_ports[@]}"; do
  upstream_servers+="        server 127.0.0.1:$p;"$'\n'
  pins+="        \"127.0.0.1:$p\" 127.0.0.1:$p;"$'\n'
done
# What a proxied request takes along: the address the browser asked for (Streamlit compares it
# with Origin), the upgrade of a websocket, and who asked; and what its answer sets: the cookie
# that pins the browser to the worker that answered (nginx's variables, unexpanded).
# shellcheck disable=SC2016
proxied='proxy_set_header Host $http_host;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            add_header Set-Cookie "lrviz_worker=$served_by; Path=/; Max-Age=604800; SameSite=Lax; HttpOnly";'
cat >"$run_dir/nginx.conf" <<EOF
# nginx in front of lrviz's workers: written by scripts/serve.sh for one start.
daemon off;
master_process on;
$user_directive
worker_processes auto;
worker_rlimit_nofile 8192;
pid $run_dir/nginx.pid;
error_log $run_dir/error.log warn;

events {
    worker_connections 4096;  # a browser holds about four (its websocket and HTTP, both sides)
}

http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    client_body_temp_path $run_dir/client_body;
    proxy_temp_path $run_dir/proxy;
    fastcgi_temp_path $run_dir/fastcgi;
    uwsgi_temp_path $run_dir/uwsgi;
    scgi_temp_path $run_dir/scgi;
    sendfile on;
    tcp_nopush on;
    server_tokens off;
    # Uploads: model files (at most 200 KB) and drawings as CSV (about 1 MB), with room to spare.
    client_max_body_size 4m;
    client_body_buffer_size 256k;  # a model file stays in memory on its way to the worker
    gzip on;
    gzip_vary on;
    gzip_min_length 1024;
    gzip_types text/css application/javascript application/json image/svg+xml text/plain;
    proxy_http_version 1.1;
    proxy_read_timeout 1d;  # a websocket lives as long as its browser tab
    proxy_send_timeout 1d;

    # Affinity: a browser is pinned to one worker by its lrviz_worker cookie, set below, so that
    # its websocket, its uploads (kept in that worker's memory) and its reloads (the runs a
    # reload gives back are kept there too) all reach that worker. A cookie counts only when it
    # names one of this start's workers exactly: any other value is ignored (never used as an
    # address), and the browser goes to the group as a new one.
    map \$cookie_lrviz_worker \$pinned {
$pins        default "";
    }
    map \$pinned \$backend {
        "" lrviz_workers;
        default \$pinned;
    }
    # A new browser: the group deals them out in turn, so the tabs of a class split evenly.
    # (Round robin rather than least_conn: the pinned browsers' websockets do not pass through
    # the group, so it could count only new browsers' requests in flight, and a busy worker's
    # slow answers would send the next ones elsewhere.)
    upstream lrviz_workers {
        zone lrviz_workers 64k;  # one turn, shared by nginx's worker processes
$upstream_servers    }
    # The worker that answered: the last address in \$upstream_addr, which lists every one tried
    # (a request tried again on the next worker, or moved to @rebalance); always one of the
    # workers, as nginx proxies to no other address.
    map \$upstream_addr \$served_by {
        "~(?<address>[^ ,]+)\$" \$address;
        default "-";
    }
    map \$http_upgrade \$connection_upgrade {
        default upgrade;
        "" close;
    }
    log_format lrviz '\$remote_addr [\$time_local] "\$request" \$status \$body_bytes_sent '
                     'pinned=\$pinned worker=\$served_by time=\$request_time';
    access_log $run_dir/access.log lrviz;

    server {
        listen $listen;

        location / {
            proxy_pass http://\$backend;
            $proxied
            # a pinned worker that has stopped: the browser goes to the group, and is pinned anew
            error_page 502 504 = @rebalance;
        }

        location @rebalance {
            proxy_pass http://lrviz_workers;
            $proxied
        }

        # Streamlit's frontend: file names carry a hash of their content, so they never change.
        location /static/ {
            alias $run_dir/static/;
            gzip_static on;
            add_header Cache-Control "public, max-age=31536000, immutable";
        }

        # plotly.js from the plotly package, for the app's own chart component (any name).
        location ~ ^/component/[^/]+/plotly\\.min\\.js\$ {
            alias $run_dir/plotly/plotly.min.js;
            gzip_static on;
            expires 1d;
        }

        location = /favicon.png {
            alias $favicon;
            expires 1d;
        }
    }
}
EOF

"${tied[@]}" "$nginx" -p "$run_dir" -c "$run_dir/nginx.conf" -e "$run_dir/error.log" &
nginx_pid=$!
echo "  nginx     pid $nginx_pid  config $run_dir/nginx.conf  access log $run_dir/access.log"
proxy_host=${host:-127.0.0.1}
if ! run_helper wait-healthy 20 "nginx=$nginx_pid=http://$proxy_host:$port/_stcore/health"; then
  tail_log "$run_dir/error.log"
  fail "nginx did not start; stopping everything"
fi

if [ -n "$host" ]; then
  echo "lrviz is ready: open http://$host:$port"
else
  echo "lrviz is ready: open http://localhost:$port on this machine"
  for address in $(hostname -I 2>/dev/null); do
    [[ $address == *:* ]] || echo "  or http://$address:$port from another one"
  done
fi

# Serve until a signal (the trap above) or until nginx, or every worker, has stopped.
running=("${worker_pids[@]}")
while true; do
  status=0
  wait -n -p ended "$nginx_pid" "${running[@]}" || status=$?
  if [ "$ended" = "$nginx_pid" ]; then
    tail_log "$run_dir/error.log"
    fail "nginx stopped (exit status $status); stopping the workers"
  fi
  for i in $(seq 1 "$workers"); do
    if [ "${worker_pids[i - 1]}" = "$ended" ]; then
      tail_log "$run_dir/worker-$i.log"
      echo "serve.sh: worker $i (pid $ended) stopped (exit status $status); nginx sends its students to the others" >&2
    fi
  done
  mapfile -t running < <(for pid in "${running[@]}"; do [ "$pid" = "$ended" ] || echo "$pid"; done)
  [ ${#running[@]} -gt 0 ] || fail "every worker has stopped; stopping nginx"
done
