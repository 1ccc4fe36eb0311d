#!/bin/bash
# Runs while QRadar builds the app's image, as root: unpacks the Java runtime the archive carries
# (a jlink image of Eclipse Temurin, see docs/qradar-app.md) into $APP_ROOT/runtime, where the
# start script looks first. An archive built without one does nothing here: its Java comes from
# the RPMs of container/rpm.
set -euo pipefail

app_root="${APP_ROOT:-/opt/app-root}"
tarball="${app_root}/container/build/ioc-sync-runtime.tar.gz"
runtime="${app_root}/runtime"

if [ ! -f "${tarball}" ]; then
  echo "The archive carries no Java runtime of its own; Java must come from container/rpm."
  exit 0
fi

rm -rf "${runtime}"
mkdir -p "${runtime}"
# The base image (UBI 8 minimal) has Python but may lack tar and gzip: Python unpacks when it can.
python=""
for candidate in python3 python; do
  if command -v "${candidate}" >/dev/null 2>&1; then
    python="${candidate}"
    break
  fi
done
if [ -n "${python}" ]; then
  "${python}" - "${tarball}" "${runtime}" <<'PY'
import sys
import tarfile

# Pythons that have extraction filters refuse members that would land outside the folder.
safe = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
with tarfile.open(sys.argv[1], "r:gz") as archive:
    archive.extractall(sys.argv[2], **safe)
PY
elif command -v tar >/dev/null 2>&1; then
  tar -xzf "${tarball}" --no-same-owner -C "${runtime}"
else
  echo "IOC Sync cannot unpack its Java runtime: the image has neither Python nor tar." >&2
  exit 1
fi
chmod -R u+rwX,go+rX,go-w "${runtime}"
echo "Unpacked IOC Sync's Java runtime into ${runtime}."
