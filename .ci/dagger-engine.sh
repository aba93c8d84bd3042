#!/usr/bin/env bash
# A real Dagger engine, offline: builds the Dagger engine and a session runner from the Go module
# proxy, Debian-based images for the engine, a local registry and every image the pipeline uses,
# starts them under Docker and runs aichat's pipeline on the engine. Documented in
# docs/offline-engine.md. Idempotent; everything it builds is cached under $AICHAT_ENGINE_CACHE
# (default /var/cache/aichat-engine), so a second run on the same machine rebuilds nothing.
#
# Usage: .ci/dagger-engine.sh [prepare|up|smoke|pipeline|ci|versions|down]
#   prepare   install packages, build the engine, k6, trivy and the Debian images (no containers)
#   up        prepare, the tool images, then start registry and engine (default)
#   smoke     engine + registry only, then a container on the engine through the TypeScript SDK
#   pipeline  up, then run the module's functions on the engine (.ci/engine/run-pipeline.ts)
#   ci        up, smoke and pipeline: what .ci/run calls
#   versions  print the versions in use
#   down      stop the engine (gracefully: it keeps its cache) and the registry
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

# -- pinned versions --------------------------------------------------------------------------
DAGGER_VERSION=v0.21.8 # the newest dagger/dagger version the module proxy serves; see the docs
K6_VERSION=v1.7.1
TRIVY_VERSION=v0.68.2
DEBIAN_MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}

cache=${AICHAT_ENGINE_CACHE:-/var/cache/aichat-engine}
logs=$cache/logs
network=aichat-engine
subnet=172.31.250.0/24
registry_ip=172.31.250.2
registry_name=aichat-registry
engine_name=aichat-dagger-engine
registry=localhost:5000 # as seen from the host; the engine reaches it through a mirror entry
docker=/usr/bin/docker  # Debian's client, matching Debian's daemon
export _EXPERIMENTAL_DAGGER_RUNNER_HOST=docker-container://$engine_name
export PATH=$cache/bin:$PATH

mkdir -p "$cache" "$logs"
t0=$(date +%s)
say() { echo "--- [dagger-engine $(($(date +%s) - t0))s] $*"; }

# -- host packages and Docker -----------------------------------------------------------------
install_packages() {
  local missing=() p
  for p in docker.io docker-registry debootstrap; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    say "installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  # The package's own registry service is not used: the registry runs as a container.
  if command -v service >/dev/null; then service docker-registry stop >/dev/null 2>&1 || true; fi
}

start_dockerd() {
  if $docker info >/dev/null 2>&1; then return; fi
  say "starting dockerd (log: $logs/dockerd.log)"
  nohup /usr/sbin/dockerd >>"$logs/dockerd.log" 2>&1 &
  for _ in $(seq 60); do
    $docker info >/dev/null 2>&1 && return
    sleep 1
  done
  tail -n 30 "$logs/dockerd.log" >&2
  echo "dockerd did not start" >&2
  exit 1
}

# -- Dagger binaries from the Go module proxy -------------------------------------------------
# Hash of everything that decides the binaries: the wrapper module, the version, the Go toolchain.
binaries_key() {
  {
    echo "$DAGGER_VERSION"
    go version
    find .ci/engine/go -type f | LC_ALL=C sort | xargs sha256sum
  } | sha256sum | cut -c1-16
}

build_binaries() {
  local key out build dir
  key=$(binaries_key)
  out=$cache/bin
  if [ -f "$out/.key" ] && [ "$(cat "$out/.key")" = "$key" ]; then return; fi
  say "building Dagger $DAGGER_VERSION binaries (log: $logs/go-build.log)"
  build=$cache/build
  rm -rf "$build" && mkdir -p "$build" "$out"
  cp -r .ci/engine/go/. "$build/"
  # The module zip from the proxy, unpacked outside the module cache so -overlay may apply.
  dir=$(cd "$build" && GOFLAGS=-mod=mod go mod download -json "github.com/dagger/dagger@$DAGGER_VERSION" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
  cp -r "$dir" "$build/dagger-src" && chmod -R u+w "$build/dagger-src"
  write_overlay "$build"
  local ldflags="-s -w -X github.com/dagger/dagger/engine.Version=$DAGGER_VERSION -X github.com/dagger/dagger/engine.Tag=$DAGGER_VERSION"
  (
    cd "$build"
    export GOFLAGS=-mod=mod CGO_ENABLED=0
    # Not in the checksum database (pseudo-versions of forks dagger pins); go.sum still pins them.
    export GONOSUMDB=go.etcd.io/bbolt,github.com/vito/bubbline,github.com/jedevc/go-libsecret
    go build -overlay "$build/overlay.json" -trimpath -ldflags "$ldflags" \
      -tags dfexcludepatterns,dfparents -o "$out/dagger-engine" github.com/dagger/dagger/cmd/engine
    go build -overlay "$build/overlay.json" -trimpath -ldflags "$ldflags" -o "$out/" \
      ./cmd/dagger-run github.com/dagger/dagger/cmd/init github.com/dagger/dagger/cmd/dialstdio \
      github.com/dagger/dagger/cmd/dnsname
  ) >"$logs/go-build.log" 2>&1 || { tail -n 40 "$logs/go-build.log" >&2; exit 1; }
  mv "$out/init" "$out/dagger-init"
  echo "$key" >"$out/.key"
}

# The build-time overlay (see .ci/engine/go/overlay/): the Dang v2 runtime becomes a stub, and
# the CLI's terminal UI package keeps only the two files the engine needs plus engine_only.go.
write_overlay() {
  local b=$1 src=$1/dagger-src f
  {
    echo '{"Replace":{'
    echo "\"$src/core/sdk/dang/v2/sdk.go\":\"$b/overlay/dangv2/sdk.go\","
    echo "\"$src/core/sdk/dang/v2/helpers.go\":\"\","
    for f in "$src"/dagql/idtui/*.go; do
      case $(basename "$f") in output.go | symbols.go) ;; *) echo "\"$f\":\"\"," ;; esac
    done
    echo "\"$src/dagql/idtui/engine_only.go\":\"$b/overlay/idtui/engine_only.go\""
    echo '}}'
  } >"$b/overlay.json"
}

# Command-line tools for the tool images, each `go install`ed at its pinned version.
# build_tool NAME PACKAGE VERSION [GOEXPERIMENT]
build_tool() {
  local name=$1 pkg=$2 version=$3 experiment=${4:-} dir=$cache/tools/$1-$3
  if [ -x "$dir/$name" ]; then return; fi
  say "building $name $version (log: $logs/tool-$name.log)"
  mkdir -p "$dir"
  GOEXPERIMENT=$experiment CGO_ENABLED=0 GOBIN=$dir go install -trimpath -ldflags '-s -w' "$pkg@$version" \
    >"$logs/tool-$name.log" 2>&1 || { tail -n 30 "$logs/tool-$name.log" >&2; exit 1; }
  [ -x "$dir/$name" ] || mv "$dir"/* "$dir/$name"
}

# -- images -----------------------------------------------------------------------------------
# Debian root file systems from debootstrap, imported as aichat/debian:<suite>.
base_image() {
  local suite=$1 tar=$cache/rootfs/$1.tar
  if $docker image inspect "aichat/debian:$suite" >/dev/null 2>&1; then return; fi
  if [ ! -f "$tar" ]; then
    say "debootstrap $suite (log: $logs/debootstrap-$suite.log)"
    local root=$cache/rootfs/$suite.tmp
    rm -rf "$root" && mkdir -p "$cache/rootfs"
    debootstrap --variant=minbase "$suite" "$root" "$DEBIAN_MIRROR" >"$logs/debootstrap-$suite.log" 2>&1 ||
      { tail -n 20 "$logs/debootstrap-$suite.log" >&2; exit 1; }
    rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
    tar -C "$root" -cf "$tar.tmp" . && mv "$tar.tmp" "$tar" && rm -rf "$root"
  fi
  $docker import "$tar" "aichat/debian:$suite" >/dev/null
}

# build_image TAG DIR BASE [CONTEXT [build-arg...]]: .ci/engine/images/DIR/Dockerfile on
# aichat/debian:BASE (Docker's layer cache makes a rerun a no-op).
build_image() {
  local tag=$1 dir=.ci/engine/images/$2 base=$3 context=${4:-.ci/engine/images/$2}
  shift 3
  [ $# -gt 0 ] && shift
  local args=(--build-arg "BASE=aichat/debian:$base") a
  for a in "$@"; do args+=(--build-arg "$a"); done
  $docker build -q "${args[@]}" -f "$dir/Dockerfile" -t "$tag" "$context" >>"$logs/docker-build.log" 2>&1 ||
    { tail -n 30 "$logs/docker-build.log" >&2; exit 1; }
}

# The tag of each pipeline image, by role (the keys of the module's image overrides).
declare -A IMAGES=(
  [node]=$registry/aichat/node:20-trixie
  [postgres]=$registry/aichat/postgres:15-bookworm
  [redis]=$registry/aichat/redis:7-bookworm
  [nginx]=$registry/aichat/nginx-unprivileged:bookworm
  [python]=$registry/aichat/python:3.11-bookworm
)
# Tool images are added by tool_image, tagged with the version of the binary they carry.

engine_image=aichat/dagger-engine:$DAGGER_VERSION

build_images() {
  base_image bookworm
  base_image trixie
  say "building images (log: $logs/docker-build.log)"
  build_image aichat/registry:bookworm registry bookworm
  local ctx=$cache/engine-context
  rm -rf "$ctx" && mkdir -p "$ctx"
  cp .ci/engine/images/engine/* "$ctx/"
  cp "$cache/bin/dagger-engine" "$cache/bin/dagger-init" "$cache/bin/dialstdio" "$cache/bin/dnsname" "$ctx/"
  build_image "$engine_image" engine bookworm "$ctx"
  $docker tag aichat/debian:bookworm "$registry/aichat/debian:bookworm"
  build_image "${IMAGES[node]}" node trixie
  build_image "${IMAGES[postgres]}" postgres bookworm
  build_image "${IMAGES[redis]}" redis bookworm
  build_image "${IMAGES[nginx]}" nginx bookworm
  build_image "${IMAGES[python]}" python bookworm
}

# The tools only the engine's images need (the host's chart checks do not).
build_engine_tools() {
  build_tool k6 go.k6.io/k6 "$K6_VERSION"
  # trivy uses encoding/json/v2, still behind GOEXPERIMENT in Go 1.26 (as trivy's own build does).
  build_tool trivy github.com/aquasecurity/trivy/cmd/trivy "$TRIVY_VERSION" jsonv2
}

# Tool images. helm, kubeconform and conftest are the builds scripts/install-k8s-tools.sh makes
# for the host's chart checks, actionlint the one .ci/install-actionlint.sh makes: one pin each,
# shared with the host. k6 and trivy are built here.
build_tool_images() {
  say "tools (logs: $logs/install-*.log, $logs/tool-*.log)"
  bash scripts/install-k8s-tools.sh >"$logs/install-k8s-tools.log" 2>&1 ||
    { tail -n 30 "$logs/install-k8s-tools.log" >&2; exit 1; }
  bash .ci/install-actionlint.sh >"$logs/install-actionlint.log" 2>&1 ||
    { tail -n 30 "$logs/install-actionlint.log" >&2; exit 1; }
  build_engine_tools
  tool_image helm "$(command -v helm || echo "$(go env GOPATH)/bin/helm")"
  tool_image kubeconform "$(command -v kubeconform || echo "$(go env GOPATH)/bin/kubeconform")"
  tool_image conftest "$(command -v conftest || echo "$(go env GOPATH)/bin/conftest")"
  tool_image actionlint .ci/cache/bin/actionlint shellcheck
  tool_image k6 "$cache/tools/k6-$K6_VERSION/k6"
  tool_image trivy "$cache/tools/trivy-$TRIVY_VERSION/trivy"
}

# tool_image NAME BINARY [DEBIAN PACKAGES]: localhost:5000/aichat/NAME:<module version of BINARY>.
tool_image() {
  local name=$1 bin=$2 packages=${3:-} version ctx
  version=$(go version -m "$bin" | awk '$1 == "mod" { print $3 }')
  IMAGES[$name]=$registry/aichat/$name:${version#v}
  ctx=$cache/tool-context/$name
  rm -rf "$ctx" && mkdir -p "$ctx"
  cp "$bin" "$ctx/tool"
  build_image "${IMAGES[$name]}" tool bookworm "$ctx" "NAME=$name" "PACKAGES=$packages"
}

push_images() {
  local ref
  for ref in "$registry/aichat/debian:bookworm" "${IMAGES[@]}"; do
    $docker image inspect "$ref" >/dev/null 2>&1 || continue
    $docker push -q "$ref" >>"$logs/docker-push.log" 2>&1 ||
      { tail -n 20 "$logs/docker-push.log" >&2; exit 1; }
  done
}

# -- registry and engine containers -----------------------------------------------------------
# stop_container NAME: stop gracefully, then remove. The engine marks its cache database clean
# only on a graceful stop; after a kill it wipes the whole cache at the next start.
stop_container() {
  $docker stop -t 300 "$1" >/dev/null 2>&1 || true
  $docker rm -f "$1" >/dev/null 2>&1 || true
}

# run_container NAME IMAGE [docker run args...]: (re)start NAME unless it already runs IMAGE with
# the same arguments (recorded in a label).
run_container() {
  local name=$1 image=$2
  shift 2
  local spec
  spec=$({ $docker image inspect -f '{{.Id}}' "$image"; echo "$*"; } | sha256sum | cut -c1-16)
  if [ "$($docker inspect -f '{{.State.Running}} {{index .Config.Labels "aichat.spec"}}' "$name" 2>/dev/null)" = "true $spec" ]; then
    return
  fi
  stop_container "$name"
  $docker run -d --name "$name" --label "aichat.spec=$spec" --network "$network" \
    --restart unless-stopped "$@" "$image" >/dev/null
}

start_containers() {
  # A fixed address for the registry: the engine resolves names through its own DNS, which does
  # not know Docker's container names, so it gets the registry from /etc/hosts (--add-host).
  if [ "$($docker network inspect -f '{{range .IPAM.Config}}{{.Subnet}}{{end}}' "$network" 2>/dev/null)" != "$subnet" ]; then
    stop_container "$engine_name"
    stop_container "$registry_name"
    $docker network rm "$network" >/dev/null 2>&1 || true
    $docker network create --subnet "$subnet" "$network" >/dev/null
  fi
  mkdir -p "$cache/registry" "$cache/engine-state"
  run_container "$registry_name" aichat/registry:bookworm \
    --ip "$registry_ip" -p 127.0.0.1:5000:5000 -v "$cache/registry:/var/lib/docker-registry"
  for _ in $(seq 30); do
    curl -fsS "http://$registry/v2/" >/dev/null 2>&1 && break
    sleep 1
  done
  # --privileged fails on these machines (CAP_SYS_RESOURCE is not in the bounding set), so the
  # capabilities are listed and the cgroup hierarchy is bind-mounted writable. The host's extra
  # CA certificates (e.g. of a TLS-inspecting egress proxy) go where the engine picks them up and
  # installs them into every container it runs.
  run_container "$engine_name" "$engine_image" \
    --cap-add=ALL --cap-drop=SYS_RESOURCE \
    --security-opt seccomp=unconfined --security-opt apparmor=unconfined \
    --add-host "$registry_name:$registry_ip" -v "$cache/engine-state:/var/lib/dagger" \
    -v /sys/fs/cgroup:/sys/fs/cgroup \
    -v /usr/local/share/ca-certificates:/usr/local/share/ca-certificates:ro
}

versions() {
  echo "dagger engine:   $($docker exec "$engine_name" dagger-engine --version 2>/dev/null || echo "not running")"
  echo "session runner:  $(dagger-run version)"
  echo "runc:            $($docker exec "$engine_name" runc --version 2>/dev/null | head -n 1)"
  echo "docker:          $($docker version -f '{{.Server.Version}}')"
  echo "go:              $(go version | cut -d' ' -f3)"
  local role
  for role in $(printf '%s\n' "${!IMAGES[@]}" | sort); do printf '%-16s %s\n' "$role:" "${IMAGES[$role]}"; done
}

# The image overrides for the pipeline driver, as JSON by role.
images_json() {
  local role first=1
  printf '{'
  for role in "${!IMAGES[@]}"; do
    [ $first = 1 ] || printf ','
    first=0
    printf '"%s":"%s"' "$role" "${IMAGES[$role]}"
  done
  printf '}'
}

# The engine and the Debian-package images, built or taken from the caches.
build_core() {
  install_packages
  start_dockerd
  build_binaries
  build_images
}

# The one-time builds that need nothing from the host's own checks: .ci/run starts this in the
# background at its beginning, so these Go builds and image builds overlap the host's steps.
prepare() {
  build_core
  build_engine_tools
}

# Registry and engine running, every built image pushed.
start() {
  start_containers
  push_images
  say "engine $engine_name up"
}

up() {
  build_core
  build_tool_images
  start
  versions
}

smoke() {
  say "smoke test: a container from ${IMAGES[node]%/*}/debian:bookworm on the engine"
  AICHAT_SMOKE_IMAGE=$registry/aichat/debian:bookworm dagger-run npx tsx --tsconfig .ci/engine/tsconfig.json .ci/engine/smoke.ts
}

pipeline() {
  say "pipeline on the engine"
  # The chart's Kubernetes version and the schemas scripts/install-k8s-tools.sh generated for it.
  local k8s
  k8s=$(sed -n 's/^K8S_VERSION=//p' helm/scripts/versions.env)
  AICHAT_K8S_VERSION=$k8s AICHAT_KUBECONFORM_SCHEMAS=.ci/cache/kubeconform/v$k8s-standalone-strict \
    AICHAT_IMAGES=$(images_json) AICHAT_REGISTRY_FROM_ENGINE=$registry_name:5000 \
    AICHAT_REGISTRY_FROM_HOST=$registry dagger-run npx tsx --tsconfig .ci/engine/tsconfig.json .ci/engine/run-pipeline.ts
}

case ${1:-up} in
  prepare) prepare ;;
  up) up ;;
  smoke) build_core && start && smoke ;;
  pipeline) up && pipeline ;;
  ci) up && smoke && pipeline ;;
  versions) versions ;;
  down)
    stop_container "$engine_name"
    stop_container "$registry_name"
    ;;
  *)
    sed -n '2,15p' "$0" >&2
    exit 2
    ;;
esac
say "done"
