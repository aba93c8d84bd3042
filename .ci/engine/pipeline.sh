#!/usr/bin/env bash
# The module's functions through the real `dagger` CLI, as a user runs them: `dagger functions`,
# `dagger call <stage>` for every stage that works offline, `dagger check`, then `dagger call ci`.
# Run by `.ci/dagger-engine.sh pipeline` with the engine up and DAGGER_ENV holding the local
# registry's images as `.env` user defaults (docs.dagger.io "Local Defaults"), so each command
# below is exactly what a user types. Exits non-zero naming every command that failed.
#
# Environment:
#   DAGGER_ENV          contents of the .env written next to dagger.json for these calls
#   AICHAT_REGISTRY_FROM_ENGINE / _FROM_HOST  the local registry as the engine and the host reach it
#   AICHAT_STAGES       space-separated subset of the stage names below (default: all)
#   COSIGN              the host's cosign (sets up the refused cases: keys, an image signed without attestations)
#   AICHAT_REPORTS      where reports are exported [reports/engine]
set -uo pipefail
cd "$(dirname "$0")/../.."
reports=${AICHAT_REPORTS:-reports/engine}
revision=$(git rev-parse --short=12 HEAD 2>/dev/null || echo dev)
mkdir -p "$reports"
failed=()
timings=()

# The .env user defaults: written for this run, removed afterwards (a user's own is kept aside).
if [ -e .env ]; then mv .env .env.aichat-saved; fi
trap 'rm -f .env; if [ -e .env.aichat-saved ]; then mv .env.aichat-saved .env; fi' EXIT
# (extended below, once the signing keys exist)
printf '%s\n' "${DAGGER_ENV:?}" >.env
echo "--- .env (user defaults for this run):"
cat .env

# run NAME COMMAND...: one command, timed; its output is shown as it comes.
run() {
  local name=$1 started status=passed
  shift
  if [ -n "${AICHAT_STAGES:-}" ] && [[ " $AICHAT_STAGES " != *" $name "* ]]; then return 0; fi
  echo
  echo "=== $name: $*"
  started=$(date +%s%N)
  "$@" || { status=FAILED; failed+=("$name"); }
  local tenths=$((($(date +%s%N) - started) / 100000000)) seconds
  seconds="$((tenths / 10)).$((tenths % 10))"
  timings+=("$name	$status	${seconds}s")
  # On a line of its own: `export` prints its path without a newline.
  printf '\n=== %s: %s in %ss\n' "$name" "$status" "$seconds"
}

# `dagger functions` must list exactly the functions of the README's pipeline table.
functions_match_readme() {
  local listed expected
  listed=$(dagger functions 2>&1) || { echo "$listed"; return 1; }
  echo "$listed"
  # The table: the lines after the "Name" header, up to the first blank line.
  listed=$(echo "$listed" | sed 's/\x1b\[[0-9;]*m//g' | awk 'f && !NF { exit } f { print $1 } /^Name/ { f = 1 }' | sort)
  # The README's table: the backticked names of each row's first column (`backend` / `frontend`).
  expected=$(sed -n '/^## The pipeline/,/^## /p' README.md | sed -n 's/^| \(`[^|]*\) |.*/\1/p' |
    grep -o '`[a-z0-9-]*`' | tr -d '`' | sort -u)
  if [ "$listed" != "$expected" ]; then
    echo "dagger functions and the README's table differ (< listed, > README):"
    diff <(echo "$listed") <(echo "$expected")
    return 1
  fi
  echo "(the README's table lists the same $(echo "$listed" | wc -l) functions)"
}

# Every `args:` line of the GitHub workflows names a function and flags the real CLI accepts.
workflows_match_cli() {
  local line fn flag help ok=0
  while read -r line; do
    fn=${line%% *}
    help=$(dagger call "$fn" --help 2>&1) || { echo "workflow calls unknown function: $line"; ok=1; continue; }
    for flag in $(echo "$line" | grep -o -- '--[a-z0-9-]*'); do
      case $flag in --path) continue ;; esac # export's flag
      grep -q -- "$flag" <<<"$help" || { echo "workflow flag $flag unknown to '$fn': $line"; ok=1; }
    done
    echo "ok: $line"
  done < <(grep -h 'args:' .github/workflows/*.yml | sed 's/^ *args: *//; /^>-$/d')
  return $ok
}

# The published backend, pulled back by the host's Docker and run as a user would.
published_backend_runs() {
  npx tsx .ci/engine/published-image.ts "$AICHAT_REGISTRY_FROM_HOST/aichat/aichat-backend:$revision"
}

# -- supply chain: sign, verify, refuse, promote ------------------------------------------------
# A key pair for this run (the release key's private half lives in the CI secrets), and another
# one whose signatures `verify` must refuse.
keys=$(mktemp -d)
export COSIGN_PASSWORD="run-$$-$RANDOM$RANDOM"
(cd "$keys" && "${COSIGN:?}" generate-key-pair >/dev/null 2>&1)
mkdir "$keys/other" && (cd "$keys/other" && COSIGN_PASSWORD=other "$COSIGN" generate-key-pair >/dev/null 2>&1)
engine_registry=$AICHAT_REGISTRY_FROM_ENGINE/aichat
host_registry=$AICHAT_REGISTRY_FROM_HOST/aichat

publish_signed() {
  dagger call publish --registry "$engine_registry" --tag "$revision" \
    --signing-key "file:$keys/cosign.key" --signing-password env:COSIGN_PASSWORD --insecure-registry |
    tee "$reports/published.txt"
}

# refused REASON COMMAND...: the command must fail, and its output must name REASON.
refused() {
  local reason=$1 out
  shift
  if out=$("$@" 2>&1); then
    echo "$out" | tail -n 5
    echo "expected a refusal ($reason), but it passed"
    return 1
  fi
  if grep -F -- "$reason" <<<"$out"; then return 0; fi
  echo "$out" | tail -n 20
  echo "refused, but not for: $reason"
  return 1
}

# push_unique NAME: pushes an image no one signed (a fresh label gives it a digest of its own).
push_unique() {
  printf 'FROM %s\nLABEL aichat.test.run=%s\n' "$host_registry/debian:bookworm" "$revision-$1-$RANDOM" |
    docker build -q -t "$host_registry/$1:$revision" - >/dev/null &&
    docker push -q "$host_registry/$1:$revision" >/dev/null
}

verify_fn() { dagger call verify --public-key "$keys/cosign.pub" --insecure-registry --images "$@"; }
published_refs() { paste -sd, "$reports/published.txt"; }

verify_unsigned() {
  push_unique unsigned && refused 'unsigned: no signature for this digest' verify_fn "$engine_registry/unsigned:$revision"
}
# A tag moved after signing: the tag now names a digest nobody signed.
verify_retagged() {
  push_unique aichat-frontend-moved &&
    docker tag "$host_registry/aichat-frontend-moved:$revision" "$host_registry/aichat-frontend:latest" &&
    docker push -q "$host_registry/aichat-frontend:latest" >/dev/null &&
    refused 'aichat-frontend:latest: signature: unsigned' verify_fn "$engine_registry/aichat-frontend:latest"
}
verify_wrong_key() {
  refused 'signed, but not by this key' dagger call verify --public-key "$keys/other/cosign.pub" \
    --insecure-registry --images "$(published_refs)"
}
# Signed with the right key, but with no SBOM attestation.
verify_no_sbom() {
  push_unique no-sbom &&
    "$COSIGN" sign --yes --key "$keys/cosign.key" --tlog-upload=false --allow-http-registry \
      "$host_registry/no-sbom:$revision" >/dev/null 2>&1 &&
    refused 'sbom: no CycloneDX SBOM attestation' verify_fn "$engine_registry/no-sbom:$revision"
}

# promote's Changeset, applied to a copy of the repository: the copy's manifests must reference
# exactly the published digests, and verify must accept what they reference.
copy=$(mktemp -d)
trap 'rm -rf "$keys" "$copy"; rm -f .env; if [ -e .env.aichat-saved ]; then mv .env.aichat-saved .env; fi' EXIT

# deploys_published ENV: the images ENV's manifests (rendered from the copy) are those published.
deploys_published() {
  local expected deployed
  expected=$(sed 's/:[^:/@]*@/@/' "$reports/published.txt" | sort -u)
  deployed=$(helm template aichat "$copy/helm/aichat" -f "$copy/helm/aichat/values-$1.yaml" |
    sed -n 's/^ *image: *"\{0,1\}\([^"]*aichat-\(backend\|frontend\)[^"]*\)"\{0,1\}$/\1/p' | sort -u)
  echo "$1 deploys:"
  echo "$deployed"
  if [ "$deployed" != "$expected" ]; then
    echo "expected exactly the published digests:"
    echo "$expected"
    return 1
  fi
  verify_fn "$(paste -sd, <<<"$deployed")" export --path "$reports/verify-$1"
}

promote_staging() {
  git archive HEAD | tar -x -C "$copy" && cp .env "$copy/.env"
  dagger call promote --env staging --images "$(published_refs)" --public-key "$keys/cosign.pub" \
    --insecure-registry export --path "$copy" || return 1
  diff -u helm/aichat/values-staging.yaml "$copy/helm/aichat/values-staging.yaml"
  deploys_published staging
}

# main after staging: production gets exactly staging's digests (the module run from the copy,
# whose values-staging.yaml the previous step changed).
promote_production() {
  (cd "$copy" && dagger call promote --env production --from-env staging \
    --public-key "$keys/cosign.pub" --insecure-registry export --path .) || return 1
  diff -u helm/aichat/values-production.yaml "$copy/helm/aichat/values-production.yaml"
  deploys_published production
}

# -- generic modules: their own engine tests, the generated clients, a consumer that is not aichat --
modules=(trivy kube-policy schemathesis k6) # zap's tests need the ZAP image, which no registry here serves

# with_env DIR COMMAND...: COMMAND in DIR, with this run's .env user defaults next to DIR's dagger.json.
with_env() {
  local dir=$1 status=0
  shift
  cp .env "$dir/.env"
  (cd "$dir" && "$@") || status=$?
  rm -f "$dir/.env"
  return $status
}

# Each module's tests/ module: checks that build a small target and assert the gate's verdict.
module_tests() {
  local m ok=0
  for m in "${modules[@]}"; do
    echo "--- dagger/$m/tests: dagger check"
    with_env "dagger/$m/tests" dagger check || { echo "dagger/$m/tests failed"; ok=1; }
  done
  return $ok
}

# The clients the runtime generates (`dagger develop`, on a copy): aichat's declarations of the
# toolchains it calls (dagger/src/toolchains.ts) must be what the generated `dag` offers, and the
# consumer example, which calls them as any user would, must type-check.
module_bindings() {
  local copy tsc=$PWD/node_modules/.bin/tsc
  copy=$(mktemp -d)
  git archive HEAD | tar -x -C "$copy"
  # A repository of its own: the engine takes a module's context (what `../../trivy` may reach)
  # from the enclosing git root.
  git -C "$copy" init -q
  ln -s "$PWD/node_modules" "$copy/node_modules"
  (cd "$copy" && dagger develop) || return 1
  printf '%s\n' "import { dag } from '@dagger.io/dagger';" "import type { Toolchains } from './toolchains.js';" \
    'export const generated: Toolchains = dag;' >"$copy/dagger/src/toolchains-generated.ts"
  "$tsc" -p "$copy/dagger" && echo "aichat: dag (generated) satisfies dagger/src/toolchains.ts" || return 1
  (cd "$copy/dagger/examples/consumer" && dagger develop) || return 1
  "$tsc" -p "$copy/dagger/examples/consumer" && echo "consumer: type-checks against its generated clients" || return 1
  rm -rf "$copy"
}

# dagger/examples/consumer: two toolchains installed by path, called from the CLI, from code, and
# as checks, on a target that is not aichat.
consumer_example() {
  local dir=dagger/examples/consumer
  with_env "$dir" dagger functions &&
    with_env "$dir" dagger call trivy scan-directory --source site --scanners secret,misconfig --offline summary &&
    with_env "$dir" dagger check &&
    with_env "$dir" dagger call reports export --path "$PWD/$reports/consumer"
}

run version dagger version
run functions functions_match_readme
# `dagger functions` only introspects the source; the first call is where the runtime starts the
# module (npm install from dagger/'s lockfile, then tsx with dagger/tsconfig.json). A cheap one.
run module-load dagger call manifests --env dev entries
if [[ " ${failed[*]} " == *" module-load "* ]]; then
  echo "the module did not load through the engine's TypeScript runtime (output above): nothing else can run" >&2
  exit 1
fi
run workflows workflows_match_cli
run toolchain-call dagger call trivy scan-directory --source dagger/examples/consumer/site --scanners secret,misconfig --offline summary
run module-bindings module_bindings
run module-tests module_tests
run consumer consumer_example
run lint dagger call lint
run test dagger call test
run end-to-end dagger call end-to-end export --path "$reports/end-to-end"
run backend dagger call backend --revision "$revision" with-exec --args node,--version stdout
run frontend dagger call frontend --revision "$revision" with-exec --args nginx,-v stderr
run publish publish_signed
run published published_backend_runs
run verify verify_fn "$(published_refs)" export --path "$reports/verify"
run verify-unsigned verify_unsigned
run verify-retagged verify_retagged
run verify-wrong-key verify_wrong_key
run verify-no-sbom verify_no_sbom
run promote promote_staging
run promote-production promote_production
run manifests dagger call manifests --tag "$revision" export --path "$reports/manifests"
run policy dagger call policy
run load-test dagger call load-test --vus 2 --duration 10s export --path "$reports/load-test"
run scan-source dagger call scan-source --scanners secret,misconfig --offline export --path "$reports/scan-source"
run scan-image dagger call scan-image --scanners secret,misconfig --offline --fail-on-gate=false export --path "$reports/scan-image"
run fuzz-api dagger call fuzz-api
# `dagger check` runs the @check functions; audit needs the internet (npm audit), so it is left out.
run checks dagger check --list
run check dagger check lint test policy fuzz-api trivy:check
run ci dagger call ci --offline export --path "$reports/ci"

printf '%s\n' "${timings[@]}" >"$reports/timings.tsv"
echo
echo "engine commands:"
printf '%s\n' "${timings[@]}"
echo "$((${#timings[@]} - ${#failed[@]})) passed, ${#failed[@]} failed"
if [ ${#failed[@]} -gt 0 ]; then
  echo "failed: ${failed[*]}" >&2
  exit 1
fi
