#!/usr/bin/env bash
# Offline chart verification (see verify.ts). Needs scripts/install-k8s-tools.sh to have run.
set -euo pipefail
cd "$(dirname "$0")/../.."
exec npx --no-install tsx helm/scripts/verify.ts "$@"
