#!/usr/bin/env bash
# Installs the pinned Kubernetes tools the chart checks need (helm, kubeconform, conftest), built
# from the Go module proxy because no release downloads are reachable from CI. Idempotent: a tool
# already installed at the pinned version (read from the binary's embedded module info) is kept.
# Then builds etcd + kube-apiserver and generates the kubeconform schemas (helm/scripts/).
#   K8S_TOOLS_BIN  where binaries go [/usr/local/bin when writable, else $(go env GOPATH)/bin]
set -euo pipefail
cd "$(dirname "$0")/.."

# Pins: module path, package to install, version. Versions and link flags as the projects' own
# release builds set them (`go install` alone would report "dev" and, for helm, Kubernetes 1.20).
tools=(
  "helm.sh/helm/v3 helm.sh/helm/v3/cmd/helm v3.22.0"
  "github.com/yannh/kubeconform github.com/yannh/kubeconform/cmd/kubeconform v0.8.0"
  "github.com/open-policy-agent/conftest github.com/open-policy-agent/conftest v0.71.1"
)

# -ldflags for one tool.
ldflags_for() {
  local name="$1" version="$2"
  case "$name" in
    helm)
      # helm's Makefile derives the default Kubernetes version from its client-go (v0.37 → 1.37).
      local kv
      kv="$(cd /tmp && GOTOOLCHAIN=local go mod download -json "helm.sh/helm/v3@$version" >/dev/null &&
        awk '$1 == "k8s.io/client-go" { print $2 }' "$(go env GOMODCACHE)/cache/download/helm.sh/helm/v3/@v/$version.mod")"
      local minor="${kv#v0.}"
      minor="${minor%%.*}"
      echo "-s -w -X helm.sh/helm/v3/internal/version.version=$version" \
        "-X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMinor=$minor" \
        "-X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=$minor"
      ;;
    kubeconform) echo "-s -w -X main.version=$version" ;;
    conftest) echo "-s -w -X github.com/open-policy-agent/conftest/internal/version.Version=$version" ;;
  esac
}

if [ -n "${K8S_TOOLS_BIN:-}" ]; then
  bin="$K8S_TOOLS_BIN"
elif [ -w /usr/local/bin ]; then
  bin=/usr/local/bin
else
  bin="$(go env GOPATH)/bin"
fi
mkdir -p "$bin"

for entry in "${tools[@]}"; do
  read -r module pkg version <<<"$entry"
  name="${pkg##*/}"
  ldflags="$(ldflags_for "$name" "$version")"
  # A stamp next to the binary records the exact build; -trimpath keeps ldflags out of the
  # binary's build info, so `go version -m` alone cannot tell.
  stamp="$bin/.$name.build"
  build="$pkg@$version -trimpath -ldflags=$ldflags"
  have="$(go version -m "$bin/$name" 2>/dev/null | awk -v m="$module" '$1 == "mod" && $2 == m { print $3 }' || true)"
  if [ "$have" = "$version" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$build" ]; then
    echo "$name $version: already installed in $bin"
    continue
  fi
  echo "$name: installing $version into $bin (was: ${have:-none})"
  # GOTOOLCHAIN=local: build with the installed Go; a module's `toolchain` line must not trigger a
  # toolchain download. CGO off: static binaries, no C compiler needed.
  GOBIN="$bin" GOTOOLCHAIN=local CGO_ENABLED=0 go install -trimpath -ldflags="$ldflags" "$pkg@$version"
  echo "$build" >"$stamp"
done

if ! command -v helm >/dev/null || [ "$(command -v helm)" != "$bin/helm" ]; then
  echo "note: $bin is not first on PATH for helm; the chart tests also look in $bin" >&2
fi

# etcd + kube-apiserver for the server-side dry run (the slow part on a cold Go build cache).
bash helm/scripts/install-apiserver.sh "$bin"
bash helm/scripts/generate-schemas.sh
