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
run lint dagger call lint
run test dagger call test
run end-to-end dagger call end-to-end export --path "$reports/end-to-end"
run backend dagger call backend --revision "$revision" with-exec --args node,--version stdout
run frontend dagger call frontend --revision "$revision" with-exec --args nginx,-v stderr
run publish dagger call publish --registry "$AICHAT_REGISTRY_FROM_ENGINE/aichat" --tag "$revision"
run published published_backend_runs
run manifests dagger call manifests --tag "$revision" export --path "$reports/manifests"
run policy dagger call policy
run load-test dagger call load-test --vus 2 --duration 10s export --path "$reports/load-test"
run scan-source dagger call scan-source --scanners secret,misconfig --offline export --path "$reports/scan-source"
run scan-image dagger call scan-image --scanners secret,misconfig --offline --fail-on-gate=false export --path "$reports/scan-image"
run fuzz-api dagger call fuzz-api
# `dagger check` runs the @check functions; audit needs the internet (npm audit), so it is left out.
run checks dagger check --list
run check dagger check lint test policy fuzz-api
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
