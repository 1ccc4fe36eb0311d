#!/bin/bash
# Runs while QRadar builds the app's image, after it has installed the RPMs of container/rpm.
# Fails the build, with the reason, when no Java 17 or newer came with them: better a failed
# install than an app that QRadar restarts every minute.
set -euo pipefail

if ! command -v java >/dev/null 2>&1; then
  echo "IOC Sync needs a Java 17 runtime, and none is installed: the app archive must carry the" >&2
  echo "RPMs of java-17-openjdk-headless and its dependencies in container/rpm." >&2
  echo "Rebuild the archive with them (see docs/qradar-app.md, 'The Java runtime')." >&2
  exit 1
fi

version=$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p')
if [ "${version%%.*}" -lt 17 ] 2>/dev/null; then
  echo "IOC Sync needs Java 17 or newer; the RPMs in container/rpm installed Java ${version}." >&2
  exit 1
fi
echo "IOC Sync will run on Java ${version}."
