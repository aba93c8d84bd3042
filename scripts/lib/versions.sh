# shellcheck shell=bash
# Sourced by the host scripts: the pins of dagger/versions.json (the one pin file) as shell
# variables, read with one `node` call (a JSON parser that is always there before `npm ci`):
#   NODE_VERSION NPM_VERSION K8S_VERSION DAGGER_VERSION, and per tool (HELM, KUBECONFORM,
#   CONFTEST, ACTIONLINT, K6, TRIVY): <TOOL>_MODULE <TOOL>_PACKAGE <TOOL>_VERSION.
# A pin a script needs but the file lacks fails that script (set -u), never a silent default.
AICHAT_VERSIONS_JSON="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/dagger/versions.json"
aichat_pins="$(
  node -e '
    const v = require(process.argv[1]);
    const out = { NODE_VERSION: v.node, NPM_VERSION: v.npm, K8S_VERSION: v.kubernetes, DAGGER_VERSION: v.dagger };
    for (const [name, t] of Object.entries(v.tools ?? {})) {
      const key = name.toUpperCase().replace(/[^A-Z0-9]/g, "_");
      Object.assign(out, { [key + "_MODULE"]: t.module, [key + "_PACKAGE"]: t.package, [key + "_VERSION"]: t.version });
    }
    for (const [k, val] of Object.entries(out)) {
      if (val !== undefined) console.log(k + "=" + "\x27" + String(val).replaceAll("\x27", "") + "\x27");
    }
  ' "$AICHAT_VERSIONS_JSON"
)" || { echo "cannot read $AICHAT_VERSIONS_JSON (needs node on PATH)" >&2; exit 1; }
eval "$aichat_pins"
unset aichat_pins

# sha256 of stdin, hex only: GNU coreutils, or macOS's shasum.
aichat_sha256() {
  if command -v sha256sum >/dev/null; then sha256sum; else shasum -a 256; fi | cut -d' ' -f1
}
