#!/usr/bin/env bash
# Builds etcd and kube-apiserver (pinned in helm/apiserver/go.mod, whose k8s.io/kubernetes must be
# dagger/versions.json "kubernetes") from the Go module proxy for the server-side dry run in
# helm/test. Idempotent: a stamp next to each binary records the build.
#   install-apiserver.sh <bin-dir>
set -euo pipefail
bin="$1"
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=../../scripts/lib/versions.sh
source "$here/../../scripts/lib/versions.sh"
mod="$here/../apiserver"
have_k8s="$(awk '$1 == "k8s.io/kubernetes" { print $2 }' "$mod/go.mod")"
if [ "$have_k8s" != "v$K8S_VERSION" ]; then
  echo "helm/apiserver/go.mod pins k8s.io/kubernetes $have_k8s, dagger/versions.json \"kubernetes\" is $K8S_VERSION" >&2
  exit 1
fi
minor="${K8S_VERSION#*.}"
minor="${minor%%.*}"
# The version stamp release builds carry (hack/lib/version.sh), so /version reports it.
kv="-X k8s.io/component-base/version.gitVersion=v$K8S_VERSION -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor"
sums="$(cat "$mod/go.mod" "$mod/go.sum" | aichat_sha256 | cut -c1-16)"

for entry in "etcd go.etcd.io/etcd/server/v3" "kube-apiserver k8s.io/kubernetes/cmd/kube-apiserver"; do
  read -r name pkg <<<"$entry"
  build="$pkg go.mod+sum=$sums -trimpath -ldflags=-s -w $kv"
  stamp="$bin/.$name.build"
  if [ -x "$bin/$name" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$build" ]; then
    echo "$name: already installed in $bin"
    continue
  fi
  echo "$name: building into $bin (takes minutes the first time)"
  (cd "$mod" && GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=readonly \
    go build -trimpath -ldflags="-s -w $kv" -o "$bin/$name" "$pkg")
  echo "$build" >"$stamp"
done
