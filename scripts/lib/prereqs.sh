#!/usr/bin/env bash
# shellcheck shell=bash
#
# Sourced (not executed) by the jobboard scripts. Defines:
#
#   check_build_prereqs             cargo, a C linker, libpq (for diesel)
#   check_cargo_components NAME...  cargo subcommands: rustfmt, clippy
#   check_browser_prereqs           Chromium and ChromeDriver for the browser tests
#
# As root on Debian/Ubuntu, missing system packages are installed with
# apt-get; otherwise they exit 1 saying what to install.

_jobboard_prereq_die() {
	printf 'error: %s\n' "$*" >&2
	exit 1
}

_jobboard_apt_updated=0

# Install Debian packages when running as root with apt-get; status 1 if that
# is not possible or fails.
_jobboard_apt_install() {
	if ((EUID != 0)) || ! command -v apt-get >/dev/null 2>&1; then return 1; fi
	printf 'Installing %s with apt-get ...\n' "$*" >&2
	if ((_jobboard_apt_updated == 0)); then
		DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null </dev/null || return 1
		_jobboard_apt_updated=1
	fi
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null </dev/null
}

_jobboard_have_libpq() {
	local inc
	if command -v pg_config >/dev/null 2>&1 && inc=$(pg_config --includedir 2>/dev/null) &&
		[[ -n $inc && -f $inc/libpq-fe.h ]]; then
		return 0
	fi
	[[ -f /usr/include/postgresql/libpq-fe.h ]]
}

check_build_prereqs() {
	local cargo_home=${CARGO_HOME:-${HOME:-}/.cargo}

	if ! command -v cargo >/dev/null 2>&1; then
		# Non-login shells (CI, runuser) often lack rustup's PATH entry.
		if [[ -x $cargo_home/bin/cargo ]]; then
			PATH=$cargo_home/bin:$PATH
			export PATH
		else
			_jobboard_prereq_die "cargo not found: install the Rust toolchain (rustup) and put cargo on PATH"
		fi
	fi

	# rustc links through the system C compiler driver.
	if ! command -v cc >/dev/null 2>&1; then
		if ! _jobboard_apt_install gcc libc6-dev || ! command -v cc >/dev/null 2>&1; then
			_jobboard_prereq_die "no C linker (cc) found: install gcc (Debian/Ubuntu: apt-get install build-essential)"
		fi
	fi

	if ! _jobboard_have_libpq; then
		if ! _jobboard_apt_install libpq-dev || ! _jobboard_have_libpq; then
			_jobboard_prereq_die "libpq development files not found: install libpq-dev (Debian/Ubuntu)"
		fi
	fi
}

# Run after check_build_prereqs (which puts cargo on PATH).
check_cargo_components() {
	local component
	for component in "$@"; do
		case $component in
		rustfmt) cargo fmt --version >/dev/null 2>&1 ||
			_jobboard_prereq_die "cargo fmt not found: install it with: rustup component add rustfmt" ;;
		clippy) cargo clippy --version >/dev/null 2>&1 ||
			_jobboard_prereq_die "cargo clippy not found: install it with: rustup component add clippy" ;;
		*) _jobboard_prereq_die "check_cargo_components: unknown component '$component'" ;;
		esac
	done
}

# The browser tests drive Debian's Chromium through ChromeDriver. Exports
# CHROMIUM and CHROMEDRIVER for them.
check_browser_prereqs() {
	local browser driver
	browser=$(command -v chromium || command -v chromium-browser || true)
	driver=$(command -v chromedriver || true)
	if [[ -z $browser || -z $driver ]]; then
		if ! _jobboard_apt_install chromium chromium-driver; then
			_jobboard_prereq_die "Chromium and ChromeDriver are needed for the browser tests: install them (Debian: apt-get install chromium chromium-driver)"
		fi
		browser=$(command -v chromium || command -v chromium-browser || true)
		driver=$(command -v chromedriver || true)
		[[ -n $browser && -n $driver ]] ||
			_jobboard_prereq_die "Chromium or ChromeDriver still missing after installing them"
	fi
	export CHROMIUM=$browser CHROMEDRIVER=$driver
}
