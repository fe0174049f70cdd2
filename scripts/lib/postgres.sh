#!/usr/bin/env bash
# shellcheck shell=bash
#
# Sourced (not executed) by the jobboard scripts. Defines:
#
#   ensure_postgres           export DATABASE_URL pointing at a reachable server
#   stop_private_postgres     stop the private cluster in .pgdata, if running
#   load_dotenv_database_url  read DATABASE_URL from .env when it is not set
#
# ensure_postgres picks, in this order:
#   1. DATABASE_URL, if already set (only checked, nothing is started);
#   2. the server on 127.0.0.1:5432, if the current OS user can connect to it
#      and create databases;
#   3. a private throwaway cluster in <repo>/.pgdata, started on demand on
#      127.0.0.1:${JOBBOARD_PG_PORT:-54329}.
# JOBBOARD_PRIVATE_PG=1 skips step 2. JOBBOARD_DB_NAME overrides the database
# name (default: jobboard); the app creates that database itself.
#
# The functions do not rely on the caller's `set -e`; errors exit with
# status 1 and a one-line message on stderr.

_jobboard_pg_lib_dir=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
JOBBOARD_ROOT=$(cd -- "$_jobboard_pg_lib_dir/../.." && pwd -P)
_JOBBOARD_PG_LOCK_FD=""

_jobboard_note() { printf '%s\n' "$*" >&2; }
_jobboard_die() {
	printf 'error: %s\n' "$*" >&2
	exit 1
}

# Print a connection URL with its password (if any) masked.
_jobboard_redact_url() {
	local re='^([A-Za-z][A-Za-z0-9+.-]*://[^:/@]*):[^@]*@(.*)$'
	if [[ $1 =~ $re ]]; then
		printf '%s:***@%s' "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}"
	else
		printf '%s' "$1"
	fi
}

# Quote a string for /bin/sh (pg_ctl passes -o through a shell).
_jobboard_sh_quote() {
	local q="'\\''"
	printf "'%s'" "${1//\'/$q}"
}

# Newest /usr/lib/postgresql/<version>/bin that contains $1.
_jobboard_pg_newest_bindir_with() {
	local f
	local -a dirs=()
	for f in /usr/lib/postgresql/*/bin/"$1"; do
		if [[ -x $f ]]; then dirs+=("${f%/*}"); fi
	done
	if ((${#dirs[@]} == 0)); then return 1; fi
	printf '%s\n' "${dirs[@]}" | sort -V | tail -n 1
}

# Path of a PostgreSQL client program (psql, pg_isready), or status 1.
_jobboard_pg_client() {
	local dir
	if command -v "$1" >/dev/null 2>&1; then
		command -v "$1"
		return 0
	fi
	dir=$(_jobboard_pg_newest_bindir_with "$1") || return 1
	printf '%s/%s\n' "$dir" "$1"
}

# Set _jobboard_pg_bindir to the server bin directory (initdb, pg_ctl) for
# the data directory $1: the version that created it if it exists, else the
# newest installed one. Status 1 if none is installed (no subshell: the
# version-mismatch error exits the script).
_jobboard_pg_find_server_bindir() {
	local data=$1 want="" dir="" have
	_jobboard_pg_bindir=""
	if [[ -f $data/PG_VERSION ]]; then want=$(<"$data/PG_VERSION"); fi
	if [[ -n $want && -x /usr/lib/postgresql/$want/bin/pg_ctl ]]; then
		_jobboard_pg_bindir=/usr/lib/postgresql/$want/bin
		return 0
	fi
	if ! dir=$(_jobboard_pg_newest_bindir_with initdb); then
		dir=""
		if command -v pg_config >/dev/null 2>&1; then
			dir=$(pg_config --bindir 2>/dev/null) || dir=""
		fi
		if [[ -z $dir || ! -x $dir/initdb ]] && command -v initdb >/dev/null 2>&1; then
			dir=$(dirname -- "$(command -v initdb)")
		fi
	fi
	if [[ -z $dir || ! -x $dir/initdb || ! -x $dir/pg_ctl ]]; then return 1; fi
	if [[ -n $want ]]; then
		have=$("$dir/pg_ctl" --version 2>/dev/null | sed -E 's/^[^0-9]*([0-9]+).*$/\1/') || have=""
		if [[ $have != "$want" ]]; then
			_jobboard_die "the private cluster in .pgdata was created by PostgreSQL $want, but ${have:-another version} is installed; remove it (scripts/pg-stop; rm -rf .pgdata) and retry"
		fi
	fi
	_jobboard_pg_bindir=$dir
}

# runuser lives in /usr/sbin, which is not always on PATH.
_jobboard_runuser() {
	local f
	for f in "$(command -v runuser 2>/dev/null)" /usr/sbin/runuser /sbin/runuser; do
		if [[ -n $f && -x $f ]]; then
			"$f" "$@"
			return
		fi
	done
	printf 'error: runuser (util-linux) not found\n' >&2
	return 127
}
_jobboard_have_runuser() {
	command -v runuser >/dev/null 2>&1 || [[ -x /usr/sbin/runuser || -x /sbin/runuser ]]
}

# Run a command as the owner of the private cluster: the `postgres` OS user
# when running as root (initdb and postgres refuse to run as root), else the
# current user. Runs from / with only stdin/stdout/stderr open, so a server
# started here keeps neither the .pgdata lock nor a CI runner's pipes.
_jobboard_as_pg_owner() {
	(
		local f fd
		cd / || exit 1
		if [[ -n $_JOBBOARD_PG_LOCK_FD ]]; then exec {_JOBBOARD_PG_LOCK_FD}>&-; fi
		for f in /proc/"$BASHPID"/fd/*; do
			fd=${f##*/}
			if [[ $fd =~ ^[0-9]+$ ]] && ((fd > 2)); then
				{ exec {fd}>&-; } 2>/dev/null || true
			fi
		done
		if ((EUID == 0)); then _jobboard_runuser -u postgres -- "$@"; exit; fi
		exec "$@"
	)
}

# Serialise concurrent setups of .pgdata (best effort: needs flock).
_jobboard_pg_lock() {
	if ! command -v flock >/dev/null 2>&1; then return 0; fi
	exec {_JOBBOARD_PG_LOCK_FD}>"$1/.lock" || _jobboard_die "cannot create $1/.lock"
	if ! flock -w 300 "$_JOBBOARD_PG_LOCK_FD"; then
		_jobboard_die "timed out waiting for another script to set up .pgdata"
	fi
}
_jobboard_pg_unlock() {
	if [[ -n $_JOBBOARD_PG_LOCK_FD ]]; then
		exec {_JOBBOARD_PG_LOCK_FD}>&-
		_JOBBOARD_PG_LOCK_FD=""
	fi
}

# As root: the postgres user must exist and be able to reach the repo.
_jobboard_pg_check_root_setup() {
	local dir
	local -a chain=()
	if ((EUID != 0)); then return 0; fi
	_jobboard_have_runuser ||
		_jobboard_die "running as root needs runuser (util-linux) to start a private PostgreSQL cluster; or set DATABASE_URL"
	id -u postgres >/dev/null 2>&1 ||
		_jobboard_die "running as root, but there is no 'postgres' OS user to own the private PostgreSQL cluster; set DATABASE_URL instead"
	if _jobboard_runuser -u postgres -- test -x "$JOBBOARD_ROOT" 2>/dev/null; then return 0; fi
	dir=$JOBBOARD_ROOT
	while :; do
		chain=("$dir" "${chain[@]}")
		if [[ $dir == / ]]; then break; fi
		dir=$(dirname -- "$dir")
	done
	for dir in "${chain[@]}"; do
		if ! _jobboard_runuser -u postgres -- test -x "$dir" 2>/dev/null; then
			_jobboard_die "the postgres OS user cannot enter $dir, so it cannot run a private cluster in $JOBBOARD_ROOT/.pgdata; allow it (chmod o+x $dir), move the repo, or set DATABASE_URL"
		fi
	done
	_jobboard_die "the postgres OS user cannot enter $JOBBOARD_ROOT; allow it (chmod o+x), move the repo, or set DATABASE_URL"
}

# Status 0 if the postmaster of data directory $1 is running.
_jobboard_pg_private_running() {
	local data=$1 bindir=$2 pid cwd
	[[ -f $data/postmaster.pid ]] || return 1
	_jobboard_as_pg_owner "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1 || return 1
	pid=$(head -n 1 -- "$data/postmaster.pid" 2>/dev/null) || return 1
	[[ $pid =~ ^[0-9]+$ ]] || return 1
	# After a reboot or container restart, the PID in a stale postmaster.pid
	# may belong to an unrelated process. The postmaster's cwd is its data dir.
	if [[ -d /proc/$pid ]] && cwd=$(readlink "/proc/$pid/cwd" 2>/dev/null); then
		[[ $cwd == "$data" ]] || return 1
	fi
	return 0
}

# Status 0 if some PostgreSQL server answers on 127.0.0.1:$1.
_jobboard_pg_port_answers() {
	local isready rc=0
	isready=$(_jobboard_pg_client pg_isready) || return 1
	"$isready" -q -h 127.0.0.1 -p "$1" -t "${2:-3}" >/dev/null 2>&1 || rc=$?
	((rc == 0 || rc == 1))
}

_jobboard_pg_show_log() {
	if [[ -f $1 ]]; then
		_jobboard_note "--- last lines of $1 ---"
		tail -n 15 -- "$1" >&2 || true
	fi
}

# Start the private cluster on port $2 (superuser $1), or reuse it if it is
# already running. Sets _jobboard_pg_started to 1 if it started it. Takes the
# .pgdata lock; the caller releases it with _jobboard_pg_unlock.
_jobboard_pg_private_start() {
	local user=$1 port=$2
	local pgroot=$JOBBOARD_ROOT/.pgdata data run log bindir running_port opts sockdir
	local locale_opt

	_jobboard_pg_find_server_bindir "$pgroot/data" ||
		_jobboard_die "PostgreSQL is not installed: install it (Debian: apt-get install postgresql) or set DATABASE_URL"
	bindir=$_jobboard_pg_bindir
	_jobboard_pg_check_root_setup
	mkdir -p -- "$pgroot/run" || _jobboard_die "cannot create $pgroot"
	pgroot=$(cd -- "$pgroot" && pwd -P) || _jobboard_die "cannot enter $pgroot"
	data=$pgroot/data
	run=$pgroot/run
	log=$pgroot/postgres.log
	if ((EUID == 0)); then
		chown postgres:postgres -- "$pgroot" "$run" ||
			_jobboard_die "cannot hand $pgroot to the postgres OS user"
	fi

	_jobboard_pg_lock "$pgroot"

	if [[ -e $data ]] && ! _jobboard_as_pg_owner test -O "$data"; then
		_jobboard_die "$data belongs to another OS user; remove .pgdata and retry"
	fi

	# A data directory without PG_VERSION is a leftover of a failed initdb.
	if [[ -d $data && ! -f $data/PG_VERSION ]]; then rm -rf -- "$data"; fi
	if [[ ! -f $data/PG_VERSION ]]; then
		_jobboard_note "Creating a private PostgreSQL cluster in .pgdata ..."
		for locale_opt in "--locale=C.UTF-8" "--locale=C"; do
			if _jobboard_as_pg_owner "$bindir/initdb" -D "$data" --auth=trust \
				--username="$user" --encoding=UTF8 "$locale_opt" --no-sync \
				>"$pgroot/initdb.log" 2>&1; then
				break
			fi
			rm -rf -- "$data"
		done
		if [[ ! -f $data/PG_VERSION ]]; then
			_jobboard_pg_show_log "$pgroot/initdb.log"
			_jobboard_die "initdb failed (see .pgdata/initdb.log)"
		fi
	fi

	if _jobboard_pg_private_running "$data" "$bindir"; then
		running_port=$(sed -n 4p -- "$data/postmaster.pid" 2>/dev/null) || running_port=""
		if [[ $running_port == "$port" ]]; then
			if ! _jobboard_pg_port_answers "$port" 30; then
				_jobboard_pg_show_log "$log"
				_jobboard_die "the private PostgreSQL cluster in .pgdata is running but does not answer on port $port; try scripts/pg-stop"
			fi
			_jobboard_pg_started=0
			return 0
		fi
		_jobboard_note "Restarting the private PostgreSQL cluster in .pgdata on port $port (was ${running_port:-unknown})"
		_jobboard_as_pg_owner "$bindir/pg_ctl" -D "$data" -m fast -w stop >/dev/null ||
			_jobboard_die "could not stop the private PostgreSQL cluster in .pgdata"
	elif [[ -f $data/postmaster.pid ]]; then
		# Stale: left behind by a crash, a reboot or a killed container.
		rm -f -- "$data/postmaster.pid" "$run/.s.PGSQL.$port" "$run/.s.PGSQL.$port.lock"
	fi

	if _jobboard_pg_port_answers "$port"; then
		_jobboard_die "another PostgreSQL server already uses port $port; set JOBBOARD_PG_PORT to a free port"
	fi

	# Unix socket paths are limited to 107 bytes; with a very deep checkout,
	# listen on TCP only.
	sockdir=$run
	if ((${#run} + ${#port} + 11 > 107)); then sockdir=""; fi
	opts="-c listen_addresses=127.0.0.1 -p $port -k $(_jobboard_sh_quote "$sockdir")"
	# Throwaway test cluster: trade durability for speed.
	opts+=" -c max_connections=200 -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
	if ! _jobboard_as_pg_owner "$bindir/pg_ctl" -D "$data" -l "$log" -o "$opts" -w -t 60 start >/dev/null; then
		_jobboard_pg_show_log "$log"
		_jobboard_die "could not start the private PostgreSQL cluster in .pgdata (see .pgdata/postgres.log)"
	fi
	if ! _jobboard_pg_port_answers "$port" 10; then
		_jobboard_pg_show_log "$log"
		_jobboard_die "the private PostgreSQL cluster started but does not answer on 127.0.0.1:$port"
	fi
	_jobboard_pg_started=1
}

# Status 0 if role $1 can connect to database postgres on 127.0.0.1:$2.
_jobboard_pg_can_connect() {
	local psql
	psql=$(_jobboard_pg_client psql) || return 0 # cannot check; the app will tell
	PGCONNECT_TIMEOUT=5 "$psql" -X -w -q -h 127.0.0.1 -p "$2" -U "$1" -d postgres -Atc 'select 1' >/dev/null 2>&1
}

# Status 0 if user $1 can connect to the server on 127.0.0.1:5432 and create
# databases (the app and the tests create theirs).
_jobboard_pg_system_usable() {
	local user=$1 psql out
	psql=$(_jobboard_pg_client psql) || return 1
	out=$(PGCONNECT_TIMEOUT=3 "$psql" -X -w -h 127.0.0.1 -p 5432 -U "$user" -d postgres -Atc \
		"select rolsuper or rolcreatedb from pg_roles where rolname = current_user" 2>/dev/null) || return 1
	if [[ $out == f ]]; then
		_jobboard_note "Role $user on 127.0.0.1:5432 may not create databases; using a private cluster instead"
		return 1
	fi
	[[ $out == t ]]
}

ensure_postgres() {
	local user db port isready rc=0
	user=$(id -un) || _jobboard_die "cannot determine the current OS user"
	db=${JOBBOARD_DB_NAME:-jobboard}

	if [[ -n ${DATABASE_URL:-} ]]; then
		export DATABASE_URL
		if ! isready=$(_jobboard_pg_client pg_isready); then
			_jobboard_note "warning: pg_isready not found; cannot check DATABASE_URL"
			return 0
		fi
		"$isready" -q -t 5 -d "$DATABASE_URL" >/dev/null 2>&1 || rc=$?
		case $rc in
		0) ;;
		1) _jobboard_die "DATABASE_URL is set, but the server at $(_jobboard_redact_url "$DATABASE_URL") is rejecting connections (starting up or shutting down?)" ;;
		3) _jobboard_die "DATABASE_URL is set, but $(_jobboard_redact_url "$DATABASE_URL") is not a valid connection string" ;;
		*) _jobboard_die "DATABASE_URL is set, but no PostgreSQL server answers at $(_jobboard_redact_url "$DATABASE_URL")" ;;
		esac
		_jobboard_note "Using PostgreSQL at $(_jobboard_redact_url "$DATABASE_URL") (from DATABASE_URL)"
		return 0
	fi

	if [[ ${JOBBOARD_PRIVATE_PG:-0} != 1 ]] && _jobboard_pg_system_usable "$user"; then
		export DATABASE_URL="postgres://$user@127.0.0.1:5432/$db"
		_jobboard_note "Using PostgreSQL at $DATABASE_URL"
		return 0
	fi

	port=${JOBBOARD_PG_PORT:-54329}
	if ! [[ $port =~ ^[0-9]+$ ]] || ((port < 1 || port > 65535)); then
		_jobboard_die "JOBBOARD_PG_PORT must be a TCP port number, got '$port'"
	fi
	_jobboard_pg_started=0
	_jobboard_pg_private_start "$user" "$port"
	_jobboard_pg_unlock
	if ! _jobboard_pg_can_connect "$user" "$port"; then
		_jobboard_die "cannot connect as $user to the private PostgreSQL cluster in .pgdata (port $port); was it created by another OS user? Remove it (scripts/pg-stop; rm -rf .pgdata) and retry"
	fi
	if ((_jobboard_pg_started)); then
		_jobboard_note "Started a private PostgreSQL cluster in .pgdata (port $port); stop it with: scripts/pg-stop"
	fi
	export DATABASE_URL="postgres://$user@127.0.0.1:$port/$db"
	_jobboard_note "Using PostgreSQL at $DATABASE_URL"
}

stop_private_postgres() {
	local pgroot=$JOBBOARD_ROOT/.pgdata data bindir
	if [[ ! -f $pgroot/data/PG_VERSION ]]; then
		printf 'No private PostgreSQL cluster in .pgdata; nothing to stop.\n'
		return 0
	fi
	pgroot=$(cd -- "$pgroot" && pwd -P) || _jobboard_die "cannot enter $pgroot"
	data=$pgroot/data
	if ((EUID == 0)); then
		_jobboard_have_runuser || _jobboard_die "runuser (util-linux) is needed to stop the cluster as root"
		id -u postgres >/dev/null 2>&1 || _jobboard_die "there is no 'postgres' OS user"
	fi
	_jobboard_pg_find_server_bindir "$data" ||
		_jobboard_die "cannot find pg_ctl: is PostgreSQL still installed?"
	bindir=$_jobboard_pg_bindir
	_jobboard_pg_lock "$pgroot"
	if ! _jobboard_pg_private_running "$data" "$bindir"; then
		_jobboard_pg_unlock
		printf 'The private PostgreSQL cluster in .pgdata is not running.\n'
		return 0
	fi
	if ! _jobboard_as_pg_owner "$bindir/pg_ctl" -D "$data" -m fast -w -t 60 stop >/dev/null; then
		_jobboard_die "could not stop the private PostgreSQL cluster in .pgdata (see .pgdata/postgres.log)"
	fi
	_jobboard_pg_unlock
	printf 'Stopped the private PostgreSQL cluster in .pgdata.\n'
}

# If DATABASE_URL is not set, take it from ./.env (only that variable; the app
# reads .env itself). Like the app's dotenv loader, the environment wins and
# the first definition in the file counts.
load_dotenv_database_url() {
	local file=${1:-.env} line value
	if [[ -n ${DATABASE_URL:-} || ! -f $file ]]; then return 0; fi
	line=$(grep -E '^[[:space:]]*(export[[:space:]]+)?DATABASE_URL[[:space:]]*=' -- "$file" | head -n 1) || true
	if [[ -z $line ]]; then return 0; fi
	value=${line#*=}
	value=${value#"${value%%[![:space:]]*}"}
	if [[ $value == \"*\"* ]]; then
		value=${value#\"}
		value=${value%%\"*}
	elif [[ $value == \'*\'* ]]; then
		value=${value#\'}
		value=${value%%\'*}
	else
		value=${value%%[[:space:]]#*}
		value=${value%"${value##*[![:space:]]}"}
	fi
	if [[ -n $value ]]; then export DATABASE_URL=$value; fi
}
