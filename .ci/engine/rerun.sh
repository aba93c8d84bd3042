#!/usr/bin/env bash
# Which stages a change re-runs, and how long they take: every stage through the real `dagger` CLI
# after a one-line change to one area of the repository, against a no-op (nothing changed) and a
# cold `ci` (the engine's cache pruned first). A stage "re-ran" when any of its containers ran
# instead of being served from the engine's cache (plain progress shows an exec's run time).
#
# Usage (engine up, as for pipeline.sh; it prunes the engine's cache when --cold is given):
#   DAGGER_ENV="$(bash .ci/dagger-engine.sh defaults)" bash .ci/engine/rerun.sh [--cold]
#   AICHAT_RERUN_CHANGES="README helm/" limits the changes measured (areas of the table).
# Output: a Markdown table on stdout; each call's log under $AICHAT_REPORTS/rerun (reports/rerun).
set -uo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
AICHAT_RERUN_CHANGES=${AICHAT_RERUN_CHANGES:-}
reports=${AICHAT_REPORTS:-reports}
logs=$([[ $reports = /* ]] && echo "$reports" || echo "$repo/$reports")/rerun
mkdir -p "$logs"

# The stages, each as a `dagger call` that evaluates it (name|arguments).
stages=(
  'lint|lint'
  'test|test'
  'end-to-end|end-to-end entries'
  'backend|backend --revision rerun sync'
  'frontend|frontend --revision rerun sync'
  'scan-source|scan-source --scanners secret,misconfig --offline entries'
  'scan-image|scan-image --scanners secret,misconfig --offline --fail-on-gate=false entries'
  'fuzz-api|fuzz-api'
  'policy|policy'
  'load-test|load-test --vus 2 --duration 10s entries'
)

# The changes: area|file|line appended (each is reverted before the next).
changes=(
  'no-op||'
  'helm/|helm/aichat/values.yaml|# re-run probe'
  'web/src|web/src/main.ts|// re-run probe'
  'app/src|app/src/app.ts|// re-run probe'
  'README|README.md|Re-run probe.'
)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git archive HEAD | tar -x -C "$work"
printf '%s\n' "${DAGGER_ENV:?DAGGER_ENV: the .env user defaults, as for pipeline.sh}" >"$work/.env"
cd "$work"

# timed LOG ARGS...: runs `dagger call ARGS` with plain progress into LOG; prints "seconds ran",
# where ran is the number of container executions that were not cached.
timed() {
  local log=$1 started status=ok ran
  shift
  started=$(date +%s%N)
  # shellcheck disable=SC2068 # the stage's arguments are split on purpose
  NO_COLOR=1 dagger --progress=plain call $@ >"$log" 2>&1 || status=FAILED
  # An evaluated exec shows its run time on its withExec span; a lazy or cached one shows 0.0s or
  # CACHED.
  ran=$(sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -E 'Container\.withExec DONE \[' | grep -vc 'DONE \[0\.0s\]')
  printf '%s %s %s\n' "$((($(date +%s%N) - started) / 1000000))" "$ran" "$status"
}

seconds() { printf '%d.%d' "$(($1 / 1000))" "$((($1 % 1000) / 100))"; }

cold_ms=
if [ "${1:-}" = --cold ]; then
  dagger core engine local-cache prune >/dev/null
  read -r cold_ms _ cold_status < <(timed "$logs/cold-ci.log" ci --offline entries)
  echo "cold ci: $(seconds "$cold_ms") s ($cold_status)" >&2
fi

# Warm every stage on the unchanged tree, so that each change below is measured against a cache
# that holds everything else.
for s in "${stages[@]}"; do timed "$logs/warm-${s%%|*}.log" "${s#*|}" >/dev/null; done

echo '| change | stages re-run | seconds (all stages) | ratio to cold ci |'
echo '| --- | --- | --- | --- |'
for c in "${changes[@]}"; do
  IFS='|' read -r area file line <<<"$c"
  if [ -n "$AICHAT_RERUN_CHANGES" ] && [[ " $AICHAT_RERUN_CHANGES " != *" $area "* ]]; then continue; fi
  # -p: the restored file is the original to the byte and to the timestamp (the engine caches by
  # content, so the restored tree is the warmed one again).
  if [ -n "$file" ]; then cp -p "$file" "$file.orig" && printf '\n%s\n' "$line" >>"$file"; fi
  rerun=() total=0
  for s in "${stages[@]}"; do
    name=${s%%|*}
    read -r ms ran status < <(timed "$logs/${area//\//-}-$name.log" "${s#*|}")
    total=$((total + ms))
    if [ "$ran" -gt 0 ]; then rerun+=("$name ($(seconds "$ms") s)"); fi
    if [ "$status" != ok ]; then rerun+=("$name FAILED"); fi
  done
  if [ -n "$file" ]; then mv "$file.orig" "$file"; fi
  ratio=n/a
  if [ -n "$cold_ms" ]; then ratio=$(awk -v a="$total" -v b="$cold_ms" 'BEGIN { printf "%.2f", a / b }'); fi
  list=$(IFS=,; echo "${rerun[*]:-none}")
  echo "| $area | ${list//,/, } | $(seconds "$total") | $ratio |"
done
