#!/bin/bash
# Runs while QRadar builds the app's image, after it has installed the RPMs of container/rpm and
# unpack-runtime.sh has unpacked the bundled runtime, if the archive carries one. Fails the build,
# with the reason, when the start script would find no Java 17 or newer: better a failed install
# than an app that QRadar restarts every minute. Looks for Java where the start script does.
set -euo pipefail

app_root="${APP_ROOT:-/opt/app-root}"
if [ -x "${app_root}/runtime/bin/java" ]; then
  java="${app_root}/runtime/bin/java"
  origin="the runtime bundled in the archive"
else
  java="${JAVA_HOME:+${JAVA_HOME}/bin/}java"
  origin="the RPMs of container/rpm"
  if ! command -v "${java}" >/dev/null 2>&1; then
    echo "IOC Sync needs a Java 17 runtime, and none is installed: the app archive carries no" >&2
    echo "runtime of its own, nor the RPMs of java-17-openjdk-headless and its dependencies in" >&2
    echo "container/rpm. Rebuild the archive with one of them (see docs/qradar-app.md, 'The Java" >&2
    echo "runtime')." >&2
    exit 1
  fi
fi

if ! settings=$("${java}" -XshowSettings:properties -version 2>&1); then
  echo "IOC Sync's Java, from ${origin}, does not run here:" >&2
  echo "${settings}" >&2
  exit 1
fi
version=$(echo "${settings}" | sed -n 's/^ *java\.specification\.version = //p')
if ! [ "${version%%.*}" -ge 17 ] 2>/dev/null; then
  echo "IOC Sync needs Java 17 or newer; ${origin} gave Java ${version:-of an unknown version}." >&2
  exit 1
fi
echo "IOC Sync will run on Java ${version}, from ${origin} (${java})."
