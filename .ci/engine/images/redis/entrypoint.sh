#!/bin/sh
# Adds the network settings the upstream image defaults to when the command is redis-server.
set -e
if [ "$1" = redis-server ]; then
  shift
  exec redis-server --bind 0.0.0.0 --protected-mode no --dir /tmp "$@"
fi
exec "$@"
