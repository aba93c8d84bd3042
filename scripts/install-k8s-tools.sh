#!/usr/bin/env bash
# Installs the pinned Kubernetes tools the chart checks need (helm, kubeconform, conftest), built
# from the Go module proxy because no release downloads are reachable from CI. Idempotent: a tool
# already installed at the pinned version (read from the binary's embedded module info) is kept.
# Then generates the kubeconform schemas (scripts in helm/scripts/) unless they are cached.
#   K8S_TOOLS_BIN  where binaries go [/usr/local/bin when writable, else $(go env GOPATH)/bin]
set -euo pipefail
cd "$(dirname "$0")/.."

# Pins: module path, package to install, version, and the variable that carries the version string
# (release builds set it with -ldflags; `go install` alone would report "dev").
tools=(
  "helm.sh/helm/v3 helm.sh/helm/v3/cmd/helm v3.22.0 helm.sh/helm/v3/internal/version.version"
  "github.com/yannh/kubeconform github.com/yannh/kubeconform/cmd/kubeconform v0.8.0 main.version"
  "github.com/open-policy-agent/conftest github.com/open-policy-agent/conftest v0.71.1 github.com/open-policy-agent/conftest/internal/version.Version"
)

if [ -n "${K8S_TOOLS_BIN:-}" ]; then
  bin="$K8S_TOOLS_BIN"
elif [ -w /usr/local/bin ]; then
  bin=/usr/local/bin
else
  bin="$(go env GOPATH)/bin"
fi
mkdir -p "$bin"

# What a tool says its version is (each has its own flag).
reported_version() {
  case "${1##*/}" in
    helm) "$1" version --short ;;
    kubeconform) "$1" -v ;;
    conftest) "$1" --version ;;
  esac 2>/dev/null || true
}

for entry in "${tools[@]}"; do
  read -r module pkg version versionvar <<<"$entry"
  name="${pkg##*/}"
  ldflags="-s -w -X $versionvar=$version"
  # `go version -m` shows the module version the binary was built from; the tool's own version
  # output shows that the version stamp was linked in too.
  have="$(go version -m "$bin/$name" 2>/dev/null | awk -v m="$module" '$1 == "mod" && $2 == m { print $3 }' || true)"
  if [ "$have" = "$version" ] && reported_version "$bin/$name" | grep -qF -- "$version"; then
    echo "$name $version: already installed in $bin"
    continue
  fi
  echo "$name: installing $version into $bin (was: ${have:-none})"
  # GOTOOLCHAIN=local: build with the installed Go; a module's `toolchain` line must not trigger a
  # toolchain download. CGO off: static binaries, no C compiler needed.
  GOBIN="$bin" GOTOOLCHAIN=local CGO_ENABLED=0 go install -trimpath -ldflags="$ldflags" "$pkg@$version"
done

if ! command -v helm >/dev/null || [ "$(command -v helm)" != "$bin/helm" ]; then
  echo "note: $bin is not first on PATH for helm; the chart tests also look in $bin" >&2
fi

bash helm/scripts/generate-schemas.sh
