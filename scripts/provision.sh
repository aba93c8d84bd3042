#!/usr/bin/env bash
# Provisions what `npm test` runs besides Node (root package.json "pretest"), the first time:
# the system packages below and the pinned Kubernetes tools (scripts/install-k8s-tools.sh).
# On Debian or Ubuntu as root it installs what is missing. Anywhere else it checks everything
# first and stops with one message listing exactly what to install: the suite has no test
# doubles for these and skips nothing. Once provisioned it only checks (no apt, no go).
#   provision.sh             everything the test suite needs
#   provision.sh --packages  only the system packages (.ci/install-system.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-all}"

# The one list of system packages, as Debian names them, each with the check the suite itself
# makes (test/support/servers.ts, web/e2e/support/browser.ts, web/e2e/support/nginx.ts).
packages=(postgresql redis-server chromium nginx)
present() {
  case "$1" in
    postgresql)
      # A postgres:// DATABASE_URL replaces the throwaway server (test/support/global.ts).
      [[ "${DATABASE_URL:-}" == postgres* ]] && return 0
      command -v initdb >/dev/null && command -v pg_ctl >/dev/null && return 0
      local dir
      for dir in /usr/lib/postgresql/*/bin; do
        [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && return 0
      done
      return 1
      ;;
    # Always needed: some tests start and restart their own Redis, whatever REDIS_URL says.
    redis-server) command -v redis-server >/dev/null ;;
    chromium) [ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] ;;
    nginx) [ -x "${NGINX_PATH:-/usr/sbin/nginx}" ] ;;
  esac
}
# How to get one package where apt-get is not the answer (macOS: Homebrew).
hint() {
  case "$(uname -s)-$1" in
    Darwin-postgresql) echo "PostgreSQL server (initdb, pg_ctl on PATH): brew install postgresql@17 and put \$(brew --prefix postgresql@17)/bin on PATH" ;;
    Darwin-redis-server) echo "Redis (redis-server on PATH): brew install redis" ;;
    Darwin-chromium) echo "Chromium: brew install --cask chromium, then export CHROMIUM_PATH=/Applications/Chromium.app/Contents/MacOS/Chromium" ;;
    Darwin-nginx) echo "nginx: brew install nginx, then export NGINX_PATH=\$(brew --prefix)/bin/nginx" ;;
    *-postgresql) echo "PostgreSQL server binaries initdb and pg_ctl on PATH (Debian: postgresql), or DATABASE_URL=postgres://… of a server the tests may use" ;;
    *-redis-server) echo "redis-server on PATH (Debian: redis-server)" ;;
    *-chromium) echo "Chromium at ${CHROMIUM_PATH:-/usr/bin/chromium} (Debian: chromium), or CHROMIUM_PATH=<its binary>" ;;
    *-nginx) echo "nginx at ${NGINX_PATH:-/usr/sbin/nginx} (Debian: nginx), or NGINX_PATH=<its binary>" ;;
  esac
}

missing=()
for p in "${packages[@]}"; do
  present "$p" || missing+=("$p")
done
tools_needed=false
if [ "$mode" != --packages ] && ! bash scripts/install-k8s-tools.sh --check; then
  tools_needed=true
fi
if [ ${#missing[@]} -eq 0 ] && [ "$tools_needed" = false ]; then
  exit 0
fi

# Check everything before installing anything: one message, not one failure after another.
problems=()
can_apt=false
if [ "$(id -u)" = 0 ] && [ -f /etc/debian_version ] && command -v apt-get >/dev/null; then
  can_apt=true
fi
if [ ${#missing[@]} -gt 0 ] && [ "$can_apt" = false ]; then
  for p in "${missing[@]}"; do problems+=("$(hint "$p")"); done
  if [ -f /etc/debian_version ]; then
    problems+=("(all of these: sudo apt-get install ${missing[*]}, or run npm test as root: it installs them)")
  fi
fi
if [ "$tools_needed" = true ]; then
  # The Go tools build with the installed Go (GOTOOLCHAIN=local): it must be new enough.
  need_go="$(awk '$1 == "go" { print $2 }' helm/apiserver/go.mod)"
  have_go="$(go env GOVERSION 2>/dev/null || true)"
  have_go="${have_go#go}"
  if [ -z "$have_go" ] || [ "$(printf '%s\n' "$need_go" "$have_go" | sort -V | head -1)" != "$need_go" ]; then
    problems+=("Go >= $need_go on PATH (https://go.dev/dl/; found: ${have_go:-none}): npm test builds helm, kubeconform, conftest, etcd and kube-apiserver with it (versions: dagger/versions.json)")
  fi
fi
if [ ${#problems[@]} -gt 0 ]; then
  {
    echo "npm test needs what this machine lacks (the suite skips nothing). Install:"
    for p in "${problems[@]}"; do echo "  - $p"; done
    echo "then run npm test again."
  } >&2
  exit 1
fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "provision: installing Debian packages: ${missing[*]}"
  # The lock timeout lets a concurrent apt run (another test run, unattended-upgrades) finish.
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
    --no-install-recommends "${missing[@]}" >/dev/null
  # The packages start system daemons; the tests start their own throwaway servers instead.
  if command -v service >/dev/null; then
    for p in "${missing[@]}"; do
      case "$p" in redis-server | postgresql | nginx) service "$p" stop >/dev/null 2>&1 || true ;; esac
    done
  fi
  # Installed is not enough: the suite must find them (e.g. Ubuntu's chromium is a snap).
  still=()
  for p in "${missing[@]}"; do present "$p" || still+=("$(hint "$p")"); done
  if [ ${#still[@]} -gt 0 ]; then
    printf 'provision: installed, but the tests cannot find:\n' >&2
    printf '  - %s\n' "${still[@]}" >&2
    exit 1
  fi
fi
if [ "$tools_needed" = true ]; then
  echo "provision: building the pinned Kubernetes tools (minutes the first time)"
  bash scripts/install-k8s-tools.sh
fi
