#!/usr/bin/env bash
# Installs the system packages the test suite needs: the one list is in scripts/provision.sh,
# which `npm test` also runs first. Idempotent: a no-op when everything is there.
set -euo pipefail
exec bash "$(dirname "$0")/../scripts/provision.sh" --packages
