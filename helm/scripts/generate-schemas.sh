#!/usr/bin/env bash
# Generates kubeconform's strict JSON schemas offline: the Kubernetes swagger document and the CRDs
# the chart uses come out of Go module zips on the module proxy (go mod download), then
# schemas/generate.ts converts them. Idempotent: a stamp file records the inputs.
# Versions: Kubernetes from dagger/versions.json ("kubernetes"), the CRD sources from versions.env.
#   generate-schemas.sh [--check]  (--check: exit 0 when up to date, 1 otherwise; writes nothing)
#   KUBECONFORM_SCHEMA_DIR  output root [<repo>/.ci/cache/kubeconform]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
# shellcheck source=../../scripts/lib/versions.sh
source "$repo/scripts/lib/versions.sh"
# shellcheck source=versions.env
source "$here/versions.env"
root="${KUBECONFORM_SCHEMA_DIR:-$repo/.ci/cache/kubeconform}"
# kubeconform's own layout: <root>/v<version>-standalone-strict/<kind><suffix>.json
out="$root/v$K8S_VERSION-standalone-strict"
stamp="k8s=$K8S_VERSION rollouts=$ARGO_ROLLOUTS_VERSION argocd=$ARGO_CD_VERSION prom=$PROMETHEUS_OPERATOR_VERSION kyverno=$KYVERNO_VERSION gen=$(cat "$here/schemas/convert.ts" "$here/schemas/generate.ts" "$here/generate-schemas.sh" | aichat_sha256 | cut -c1-16)"
if [ -f "$out/.stamp" ] && [ "$(cat "$out/.stamp")" = "$stamp" ]; then
  [ "${1:-}" = --check ] || echo "kubeconform schemas: up to date in $out"
  exit 0
fi
[ "${1:-}" = --check ] && exit 1

# Module directory in the module cache (downloads and verifies against go.sum's database).
moddir() {
  local dir
  dir="$(cd /tmp && GOTOOLCHAIN=local go mod download -json "$1" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')"
  [ -d "$dir" ] || { echo "go mod download $1 gave no directory" >&2; exit 1; }
  echo "$dir"
}
k8s="$(moddir "k8s.io/kubernetes@v$K8S_VERSION")"
rollouts="$(moddir "github.com/argoproj/argo-rollouts@$ARGO_ROLLOUTS_VERSION")"
argocd="$(moddir "github.com/argoproj/argo-cd/v3@$ARGO_CD_VERSION")"
prom="$(moddir "github.com/prometheus-operator/prometheus-operator@$PROMETHEUS_OPERATOR_VERSION")"
pcrd="$prom/example/prometheus-operator-crd"
kyverno="$(moddir "github.com/kyverno/kyverno@$KYVERNO_VERSION")"

crds=(
  "$rollouts/manifests/crds/rollout-crd.yaml"
  "$rollouts/manifests/crds/analysis-template-crd.yaml"
  "$rollouts/manifests/crds/analysis-run-crd.yaml"
  "$argocd/manifests/crds/application-crd.yaml"
  "$argocd/manifests/crds/appproject-crd.yaml"
  "$pcrd/monitoring.coreos.com_servicemonitors.yaml"
  "$pcrd/monitoring.coreos.com_prometheusrules.yaml"
  "$pcrd/monitoring.coreos.com_prometheuses.yaml"
  # The image admission policy in helm/argocd (kyverno.io/v1 ClusterPolicy with verifyImages).
  "$kyverno/config/crds/kyverno/kyverno.io_clusterpolicies.yaml"
)
rm -rf "$out"
(cd "$repo" && npx --no-install tsx helm/scripts/schemas/generate.ts --out "$out" \
  --swagger "$k8s/api/openapi-spec/swagger.json" "${crds[@]/#/--crd=}")
# The CRDs themselves, for the server-side dry run against a real API server (helm/test).
mkdir -p "$out/crds"
cp "${crds[@]}" "$out/crds/"
chmod u+w "$out"/crds/*.yaml
echo "$stamp" >"$out/.stamp"
