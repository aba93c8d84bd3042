#!/bin/sh
# Starts the engine under tini. The engine keeps a SQLite database per client, so it needs
# more open files than the usual default of 1024.
set -e
# Without CAP_SYS_RESOURCE (see docs/offline-engine.md) the hard limit is the ceiling.
ulimit -n 1048576 2>/dev/null || ulimit -n "$(ulimit -Hn)"
exec tini -- dagger-engine --config /etc/dagger/engine.toml "$@"
