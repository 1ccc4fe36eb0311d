#!/bin/bash
# Runs at each container start, before the services: makes the folders IOC Sync keeps in the
# persistent store (its state and its log), readable by the app's user only.
set -euo pipefail

store="${APP_ROOT:-/opt/app-root}/store"
mkdir -p "${store}/ioc-sync-data" "${store}/log"
chmod 700 "${store}/ioc-sync-data"
