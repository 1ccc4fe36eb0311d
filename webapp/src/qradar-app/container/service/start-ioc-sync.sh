#!/bin/bash
# Starts IOC Sync's web server as the app's one process; supervisord runs it and restarts it.
# Arguments, which supervisord does not give, go to `serve` (tests pass --bind and --port).
#
# The JVM is bounded so that heap, metaspace, code cache and direct buffers, plus threads and the
# JVM's own needs, fit in the memory the manifest's "resources" asks QRadar for. SQLite's driver
# loads its native library: allowed outright, so that Java 22 and newer do not warn at each start.
set -euo pipefail

app_root="${APP_ROOT:-/opt/app-root}"
# The runtime bundled in the archive first, else the Java the RPMs installed.
if [ -x "${app_root}/runtime/bin/java" ]; then
  java="${app_root}/runtime/bin/java"
else
  java="${JAVA_HOME:+${JAVA_HOME}/bin/}java"
fi
if ! command -v "${java}" >/dev/null 2>&1; then
  echo "IOC Sync cannot start: no Java runtime (see docs/qradar-app.md, 'The Java runtime')." >&2
  exit 1
fi

exec "${java}" \
  -Xms64m \
  -Xmx256m \
  -XX:MaxMetaspaceSize=128m \
  -XX:ReservedCodeCacheSize=64m \
  -XX:MaxDirectMemorySize=32m \
  -Xss512k \
  -XX:+UseSerialGC \
  -XX:+ExitOnOutOfMemoryError \
  --enable-native-access=ALL-UNNAMED \
  -jar "${app_root}/app/ioc-sync.jar" serve "$@"
