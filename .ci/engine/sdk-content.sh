#!/usr/bin/env bash
# The engine's built-in Go and TypeScript SDK content, built offline. `dagger call`, `dagger
# functions` and `dagger check` load a TypeScript module through the TypeScript SDK runtime that
# the engine image normally carries as OCI content (dagger's toolchains/engine-dev/build/sdk.go);
# the runtime is itself a Go-SDK module, so the Go SDK content is needed too. Nothing of it can be
# pulled here, so this script builds both from:
#   - the Go module proxy: github.com/dagger/dagger@<version> (unpacked by .ci/dagger-engine.sh,
#     with codegen built from it) and dagger.io/dagger@<version>;
#   - npm: bun (builds the introspector and the bundled client library) and tsx;
#   - the runtime's source, which the proxy does not serve: a read-only, unmodified upstream copy
#     in ../shared/third_party/dagger-<version>/ (AICHAT_DAGGER_RUNTIME_SRC overrides). It is
#     copied and patched here, at build time, and never committed.
# Called by .ci/dagger-engine.sh (build_sdk_content); docs/offline-engine.md explains each step.
#
# Usage: sdk-content.sh BUILD_DIR OUT_DIR NODE_IMAGE DEBIAN_IMAGE
#   BUILD_DIR     the wrapper build of .ci/dagger-engine.sh (dagger-src/, bin/codegen)
#   OUT_DIR       receives the OCI layout (index.json, blobs/) and digests.env
#   NODE_IMAGE    the node image the runtime runs modules on (as the engine pulls it)
#   DEBIAN_IMAGE  a glibc image for the runtime's bun and alpine steps (as the engine pulls it)
set -euo pipefail
build=$1 out=$2 node_image=$3 debian_image=$4
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
version=$(node -p "require('$repo/dagger/versions.json').dagger")
runtime_src=${AICHAT_DAGGER_RUNTIME_SRC:-$repo/../shared/third_party/dagger-$version/sdk/typescript/runtime}
docker=/usr/bin/docker

# The runtime's own pins (tsdistconsts, dagger's build): bun compiles the introspector, tsx runs
# modules. querybuilder: codegen `go get`s it unversioned, which the proxy refuses (see below).
BUN_VERSION=1.3.0
TSX_VERSION=4.15.6
QUERYBUILDER_VERSION=v0.0.0-20260402040506-574a5e81cb59

[ -f "$runtime_src/runtime_node.go" ] || {
  echo "sdk-content: the TypeScript SDK runtime source is missing at $runtime_src" >&2
  echo "  (expected the read-only upstream copy in ../shared/third_party; set AICHAT_DAGGER_RUNTIME_SRC)" >&2
  exit 1
}

work=$(mktemp -d /var/tmp/aichat-sdk.XXXXXX)
trap 'rm -rf "$work"' EXIT
t0=$(date +%s)
say() { echo "--- [sdk-content $(($(date +%s) - t0))s] $*"; }

# patch FILE SED-EXPR CHECK: apply a build-time patch and fail unless CHECK now matches, so an
# upstream change that makes a patch miss stops the build instead of shipping it unpatched.
patch() {
  sed -i "$2" "$1"
  grep -q -- "$3" "$1" || { echo "sdk-content: patch did not apply to $1: $2" >&2; exit 1; }
}

say "bun $BUN_VERSION and tsx $TSX_VERSION from npm"
npm install --silent --no-audit --no-fund --prefix "$work/tools" "bun@$BUN_VERSION"
npm install --silent --no-audit --no-fund -g --prefix "$work/tsx" "tsx@$TSX_VERSION"
# The baseline (no AVX2) glibc build: runs on any x86-64 machine.
bun=$work/tools/node_modules/@oven/bun-linux-x64-baseline/bin/bun
"$bun" --version >/dev/null

# The TypeScript SDK library. The introspector is compiled with `bun build --compile`, which keeps
# the absolute path of the TypeScript it bundles; the runtime mounts TypeScript at
# /src/node_modules/typescript, so like dagger's own build this one runs in /src.
say "TypeScript SDK library (introspector, bundled client) in /src"
[ ! -e /src ] || { echo "sdk-content: /src exists; it is needed as the build directory" >&2; exit 1; }
cp -r "$build/dagger-src/sdk/typescript" /src
trap 'rm -rf "$work" /src' EXIT
mkdir -p "$work/ts/root/bin" "$work/ts/root/bundled_lib"
(
  cd /src
  "$bun" install --silent
  "$bun" build src/module/entrypoint/introspection_entrypoint.ts --compile --outfile "$work/ts/root/bin/ts-introspector"
  "$bun" build ./src/index.ts --external=typescript --target=node --outfile "$work/ts/root/bundled_lib/core.js"
  node_modules/.bin/tsc --emitDeclarationOnly
  "$bun" x rollup -c rollup.dts.config.mjs -o "$work/ts/root/bundled_lib/core.d.ts"
) >"$work/ts-build.log" 2>&1 || { tail -n 30 "$work/ts-build.log" >&2; exit 1; }

say "runtime: patched copy of $runtime_src"
runtime=$work/ts/root/runtime
cp -r "$runtime_src" "$runtime" && chmod -R u+w "$runtime"
# Base images: the runtime pins node/bun/alpine images by digest from Docker Hub. Here they are
# the local registry's Debian-based images (bun only runs the glibc introspector binary there).
patch "$runtime/tsdistconsts/consts.go" \
  "s|DefaultNodeImageRef = .*|DefaultNodeImageRef = \"$node_image\"|; s|DefaultBunImageRef  *= .*|DefaultBunImageRef = \"$debian_image\"|; s|DefaultAlpineImageRef = .*|DefaultAlpineImageRef = \"$debian_image\"|" \
  "DefaultNodeImageRef = \"$node_image\""
grep -q "DefaultBunImageRef = \"$debian_image\"" "$runtime/tsdistconsts/consts.go"
# Debian has no apk; its node image already carries the CA certificates apk would add.
patch "$runtime/runtime_node.go" \
  's|WithExec(\[\]string{"apk", "add", "ca-certificates"})|WithExec([]string{"sh", "-c", "command -v apk >/dev/null \&\& apk add ca-certificates \|\| true"})|' \
  'command -v apk'
(cd "$runtime" && GOFLAGS=-mod=mod go build -o /dev/null .) >"$work/runtime-build.log" 2>&1 ||
  { tail -n 30 "$work/runtime-build.log" >&2; exit 1; }

say "TypeScript SDK image"
(
  cd /src/src
  find . -name '*.ts' ! -name '*.spec.ts' ! -path '*/test/*' | tar -cf - -T - | tar -C "$work/ts/root" -xf - --one-top-level=src
)
cp /src/package.json /src/tsconfig.json "$work/ts/root/"
cp "$build/bin/codegen" "$work/ts/root/codegen"
cp -r /src/node_modules/typescript "$work/ts/root/typescript-library"
cp -r "$work/tsx/lib/node_modules/tsx" "$work/ts/root/tsx_module"
printf 'FROM scratch\nCOPY root/ /\n' >"$work/ts/Dockerfile"
$docker build -q -t "aichat/dagger-ts-sdk:$version" "$work/ts" >/dev/null
rm -rf /src

# The Go SDK image (upstream: golang alpine + git + codegen). Its containers reach a Go proxy only
# through the engine's _DAGGER_ENGINE_SYSTEMENV_GOPROXY, so the module cache the runtime needs is
# baked in: loading a module then needs no Go proxy at all.
say "Go SDK image (Go $(go env GOVERSION), module cache of the runtime)"
g=$work/go
mkdir -p "$g"
cp -r "$runtime" "$work/seed"
(
  cd "$work/seed"
  export GOMODCACHE=$g/gomod GOFLAGS=-mod=mod
  go get "dagger.io/dagger@$version" "github.com/dagger/querybuilder@$QUERYBUILDER_VERSION"
  go mod tidy && go mod download && go build -o /dev/null ./...
) >"$work/seed.log" 2>&1 || { tail -n 30 "$work/seed.log" >&2; exit 1; }
cp -r "$(go env GOPATH)/pkg/sumdb" "$g/sumdb"
cp -a "$(go env GOROOT)" "$g/go"
cp "$build/bin/codegen" "$g/codegen"
cp "$here/images/go-sdk/Dockerfile" "$g/Dockerfile"
$docker build -q --build-arg BASE=aichat/debian:bookworm -t "aichat/dagger-go-sdk:$version" "$g" >/dev/null

say "OCI layout of both (skopeo)"
rm -rf "$out" && mkdir -p "$out"
skopeo copy -q --dest-compress "docker-daemon:aichat/dagger-go-sdk:$version" "oci:$out/layout:go"
skopeo copy -q --dest-compress "docker-daemon:aichat/dagger-ts-sdk:$version" "oci:$out/layout:ts"
digest() {
  python3 -c "import json,sys; print(next(m['digest'] for m in json.load(open(sys.argv[1]))['manifests'] if m['annotations']['org.opencontainers.image.ref.name'] == sys.argv[2]))" "$out/layout/index.json" "$1"
}
printf 'GO_SDK_DIGEST=%s\nTS_SDK_DIGEST=%s\n' "$(digest go)" "$(digest ts)" >"$out/digests.env"
cat "$out/digests.env"
say "done"
