#!/usr/bin/env bash
# Installs the pinned Kubernetes tools the chart checks need (helm, kubeconform, conftest), built
# from the Go module proxy because no release downloads are reachable from CI. Versions: the one
# pin file dagger/versions.json ("tools", "kubernetes"). Then builds etcd + kube-apiserver and
# generates the kubeconform schemas (helm/scripts/). Idempotent: a stamp in the bin directory
# records the inputs of the last complete run, so an up-to-date machine costs no `go` call.
#   install-k8s-tools.sh          install what is missing or outdated
#   install-k8s-tools.sh --check  exit 0 when everything is up to date, 1 otherwise (installs nothing)
#   K8S_TOOLS_BIN  where binaries go [/usr/local/bin when writable, else ${GOPATH:-~/go}/bin,
#                  the directories helm/scripts/lib/tools.ts searches]
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=lib/versions.sh
source scripts/lib/versions.sh

# module, package to install, version. Versions and link flags as the projects' own release
# builds set them (`go install` alone would report "dev" and, for helm, Kubernetes 1.20).
tools=(
  "$HELM_MODULE $HELM_PACKAGE $HELM_VERSION"
  "$KUBECONFORM_MODULE $KUBECONFORM_PACKAGE $KUBECONFORM_VERSION"
  "$CONFTEST_MODULE $CONFTEST_PACKAGE $CONFTEST_VERSION"
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
  bin="${GOPATH:-$HOME/go}/bin"
fi

# Everything the result depends on; the schemas keep their own stamp (generate-schemas.sh).
stamp_file="$bin/.aichat-k8s-tools.stamp"
inputs="$(printf '%s\n' "${tools[@]}" "k8s=$K8S_VERSION" "bin=$bin" |
  cat - scripts/install-k8s-tools.sh helm/scripts/install-apiserver.sh helm/apiserver/go.mod helm/apiserver/go.sum |
  aichat_sha256 | cut -c1-32)"
up_to_date() {
  local name
  for name in helm kubeconform conftest etcd kube-apiserver; do
    [ -x "$bin/$name" ] || return 1
  done
  [ "$(cat "$stamp_file" 2>/dev/null)" = "$inputs" ]
}
if [ "${1:-}" = --check ]; then
  up_to_date && bash helm/scripts/generate-schemas.sh --check
  exit
fi
if up_to_date; then
  echo "helm, kubeconform, conftest, etcd, kube-apiserver: up to date in $bin"
  bash helm/scripts/generate-schemas.sh
  exit 0
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
echo "$inputs" >"$stamp_file"
bash helm/scripts/generate-schemas.sh
