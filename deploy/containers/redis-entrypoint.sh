#!/bin/sh
# redis-server given options only (no configuration file) listens on every
# address with protected mode on, which refuses the other containers: turn
# it off there, as the usual Redis images do. Anything else runs as given.
if [ "$1" = redis-server ]; then
  case "${2:-}" in
    "" | -*) shift; exec redis-server "$@" --protected-mode no ;;
  esac
fi
exec "$@"
