#!/usr/bin/env bash
# Installs the pinned actionlint (Go module proxy; version in dagger/versions.json) into
# .ci/cache/bin and lints .github/workflows. Idempotent: skips the build when the pinned version
# is already there.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=../scripts/lib/versions.sh
source scripts/lib/versions.sh
version="$ACTIONLINT_VERSION"
bin=.ci/cache/bin
if ! "$bin/actionlint" -version 2>/dev/null | head -1 | grep -qx "$version"; then
  echo "installing actionlint $version"
  GOBIN="$PWD/$bin" go install "$ACTIONLINT_PACKAGE@$version"
fi
"$bin/actionlint" -version | head -1
"$bin/actionlint" -color=false
