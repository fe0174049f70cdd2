#!/usr/bin/env bash
# shellcheck shell=bash
#
# Sourced (not executed) by the jobboard scripts. Defines:
#
#   check_build_prereqs             cargo, a C linker, libpq (for diesel)
#   check_cargo_components NAME...  cargo subcommands: rustfmt, clippy
#   check_browser_prereqs           Chromium and ChromeDriver for the browser tests
#   check_quality_prereqs           Node.js/npm and Java, then axe-core and vnu-jar
#                                   from npm into .tools/ (the quality tests)
#   check_mail_prereqs              a Python with aiosmtpd, the SMTP server the mail
#                                   tests start
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

_jobboard_tools_dir=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/../.." && pwd -P)/.tools

# The major version of the `java` on PATH (8 for "1.8.0_…"), or nothing.
_jobboard_java_major() {
	local version
	version=$(java -version 2>&1 | sed -n 's/.* version "\([0-9][0-9.]*\).*/\1/p' | head -n 1)
	if [[ $version == 1.* ]]; then version=${version#1.}; fi
	printf '%s' "${version%%.*}"
}

# The quality tests (tests/it/quality.rs) run axe-core in Chromium and the Nu Html
# Checker (vnu.jar, a Java program). Both are npm packages pinned to exact versions in
# .tools/package.json and .tools/package-lock.json; `npm ci` installs them into the
# git-ignored .tools/node_modules, again only when the lock file changed (a stamp keeps
# its checksum). Needs node and npm, and Java 17 or newer. Exports AXE_JS, VNU_JAR and
# JAVA for the tests.
check_quality_prereqs() {
	local tools=$_jobboard_tools_dir stamp want have major lock_fd=""
	stamp=$tools/node_modules/.jobboard-lock-checksum

	if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
		if ! _jobboard_apt_install nodejs npm || ! command -v npm >/dev/null 2>&1; then
			_jobboard_prereq_die "Node.js and npm are needed to install the quality checkers (axe-core, vnu-jar): install them (Debian: apt-get install nodejs npm)"
		fi
	fi

	major=""
	if command -v java >/dev/null 2>&1; then major=$(_jobboard_java_major); fi
	if [[ -z $major ]] || ((major < 17)); then
		# OpenJDK's packages link their man pages; slim images lack the folder.
		if ((EUID == 0)); then mkdir -p /usr/share/man/man1; fi
		if ! _jobboard_apt_install default-jre-headless || ! command -v java >/dev/null 2>&1; then
			_jobboard_prereq_die "Java 17 or newer is needed for the Nu Html Checker (vnu.jar): install it (Debian: apt-get install default-jre-headless)"
		fi
		major=$(_jobboard_java_major)
		if [[ -z $major ]] || ((major < 17)); then
			_jobboard_prereq_die "the Nu Html Checker (vnu.jar) needs Java 17 or newer, but java is ${major:-of unknown version}: install a newer one (Debian: apt-get install default-jre-headless)"
		fi
	fi

	[[ -f $tools/package.json && -f $tools/package-lock.json ]] ||
		_jobboard_prereq_die "$tools/package.json or package-lock.json is missing"
	want=$(cat -- "$tools/package.json" "$tools/package-lock.json" | cksum)
	have=""
	if [[ -f $stamp ]]; then have=$(<"$stamp"); fi
	if [[ $have != "$want" ]]; then
		# Serialise concurrent installs (best effort: needs flock).
		if command -v flock >/dev/null 2>&1; then
			exec {lock_fd}>"$tools/.install-lock" && flock -w 300 "$lock_fd" ||
				_jobboard_prereq_die "timed out waiting for another install into .tools"
		fi
		if [[ -f $stamp ]]; then have=$(<"$stamp"); fi
		if [[ $have != "$want" ]]; then
			printf 'Installing the quality checkers (axe-core, vnu-jar) into .tools with npm ci ...\n' >&2
			# --ignore-scripts: vnu-jar's postinstall would download a Java runtime when
			# it finds none; Java comes from the system instead (checked above).
			if ! npm ci --prefix "$tools" --ignore-scripts --no-audit --no-fund --loglevel=error >&2 </dev/null; then
				_jobboard_prereq_die "npm ci in .tools failed (is the npm registry reachable?)"
			fi
			printf '%s\n' "$want" >"$stamp"
		fi
		if [[ -n $lock_fd ]]; then exec {lock_fd}>&-; fi
	fi

	AXE_JS=$tools/node_modules/axe-core/axe.min.js
	VNU_JAR=$tools/node_modules/vnu-jar/build/dist/vnu.jar
	[[ -f $AXE_JS && -f $VNU_JAR ]] ||
		_jobboard_prereq_die "axe-core or vnu-jar is missing from .tools/node_modules after npm ci; remove .tools/node_modules and retry"
	JAVA=$(command -v java)
	export AXE_JS VNU_JAR JAVA
}

# A Python that can run `python -m aiosmtpd`: $AIOSMTPD_PYTHON, the python3 on PATH,
# or the system's (Debian's package installs into /usr/bin/python3, which a pyenv or
# venv python3 first on PATH does not see). Prints its path; status 1 if none.
_jobboard_aiosmtpd_python() {
	local candidate path
	for candidate in "${AIOSMTPD_PYTHON:-}" python3 /usr/bin/python3; do
		[[ -n $candidate ]] || continue
		path=$(command -v "$candidate" 2>/dev/null) || continue
		if "$path" -c 'import aiosmtpd' >/dev/null 2>&1; then
			printf '%s' "$path"
			return 0
		fi
	done
	return 1
}

# The mail tests (tests/it/mail.rs) send to a real SMTP server: aiosmtpd, which each
# test starts on a free port. Installs Debian's python3-aiosmtpd as root, otherwise
# tries `pip install --user aiosmtpd`. Exports AIOSMTPD_PYTHON for the tests.
check_mail_prereqs() {
	local python
	if ! python=$(_jobboard_aiosmtpd_python); then
		if ! _jobboard_apt_install python3-aiosmtpd && command -v python3 >/dev/null 2>&1; then
			printf 'Installing aiosmtpd with pip install --user ...\n' >&2
			python3 -m pip install --user --quiet aiosmtpd >&2 </dev/null || true
		fi
		python=$(_jobboard_aiosmtpd_python) ||
			_jobboard_prereq_die "the mail tests need the SMTP server aiosmtpd: install it (Debian: apt-get install python3-aiosmtpd; elsewhere: pip install --user aiosmtpd)"
	fi
	AIOSMTPD_PYTHON=$python
	export AIOSMTPD_PYTHON
}
