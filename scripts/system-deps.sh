#!/usr/bin/env bash
# Install the Debian packages procesflow's setup and tests need, only those that are missing.
# Used by `make` and `.ci/run`; needs root or sudo when something is missing.
#   python3-venv  creating the virtual environment (Debian splits it off)
#   chromium      the headless-browser test of report.html
#   postgresql    the SQL connector's tests start a throwaway server (scripts/postgres-test-server.sh)
#   openjdk-17-jre-headless  Java for pyspark's local mode (the Spark parity tests, --engine spark)
# Graphviz is NOT needed: maps are laid out by the pip-installed graphviz-pure.
set -euo pipefail
what="${1:-test}"
need=()
python3 -c 'import ensurepip, venv' 2>/dev/null || need+=(python3-venv)
if [ "$what" = "test" ]; then
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1 || need+=(postgresql)
  command -v java >/dev/null 2>&1 || need+=(openjdk-17-jre-headless)
fi
[ ${#need[@]} -eq 0 ] && exit 0
echo "installing system packages: ${need[*]}"
if [ "$(id -u)" -eq 0 ]; then sudo=""; elif command -v sudo >/dev/null; then sudo="sudo"; else
  echo "error: need root or sudo to install ${need[*]} (apt-get install -y ${need[*]})" >&2; exit 2
fi
export DEBIAN_FRONTEND=noninteractive
if [[ " ${need[*]} " == *" postgresql "* ]]; then  # only the binaries: no system cluster to start
  $sudo mkdir -p /etc/postgresql-common/createcluster.d
  echo "create_main_cluster = false" | $sudo tee /etc/postgresql-common/createcluster.d/procesflow.conf >/dev/null
fi
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
