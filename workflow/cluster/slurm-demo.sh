#!/usr/bin/env bash
# Proof that the SLURM profile works: start a single-node SLURM from Debian's packages on this
# machine, build the demo cohorts through snakemake-executor-plugin-slurm (profiles/slurm), and
# stop the daemons this script started. Run as root on Debian/Ubuntu:
#
#     workflow/cluster/slurm-demo.sh            # `make slurm-demo` does the same
#
# What it needs and why (../shared/notes/slurm.md has the background):
# - slurm-wlm and munge from apt (installed when missing); no systemd: daemons are started here;
# - the config at /etc/slurm/slurm.conf: the plugin's job step drops SLURM_CONF before its
#   inner srun, which then only finds the default path. An existing slurm.conf is kept aside
#   and restored afterwards;
# - no accounting daemon: the profile checks job states with squeue instead of sacct;
# - RealMemory from `slurmd -C` (a larger value makes the node invalid).
# The build runs in a copy of the tracked files (like `make benchmark`), so the checkout's
# results are not touched. Exit status: snakemake's.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
python="${PYTHON:-$root/.venv/bin/python}"
snakemake="$(dirname "$python")/snakemake"
work="$(mktemp -d /tmp/miriam-slurm.XXXXXX)"
state="$work/slurm-state"
started=()

log() { printf '[slurm-demo] %s\n' "$*"; }

if [ "$(id -u)" != 0 ]; then
  echo "slurm-demo: run as root (it installs packages and starts daemons)" >&2
  exit 2
fi
if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
  log "installing slurm-wlm and munge"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >/dev/null
fi

stop() {
  status=$?
  for pid in "${started[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  sleep 1
  for pid in "${started[@]}"; do
    kill -9 "$pid" 2>/dev/null || true
  done
  if [ -f "$work/slurm.conf.saved" ]; then
    mv "$work/slurm.conf.saved" /etc/slurm/slurm.conf
  elif [ -f /etc/slurm/slurm.conf.miriam ]; then
    rm -f /etc/slurm/slurm.conf
  fi
  rm -f /etc/slurm/slurm.conf.miriam
  log "daemons stopped (${started[*]:-none}); work directory $work"
  exit "$status"
}
trap stop EXIT

# --- configuration ----------------------------------------------------------------------------
mkdir -p /etc/slurm "$state"/{ctld,d} /run/munge /var/log/munge /var/lib/munge
[ -f /etc/slurm/slurm.conf ] && [ ! -f /etc/slurm/slurm.conf.miriam ] && cp /etc/slurm/slurm.conf "$work/slurm.conf.saved"
node="$(hostname -s)"
memory="$(slurmd -C | sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p')"
cpus="$(slurmd -C | sed -n 's/.*CPUs=\([0-9]*\).*/\1/p')"
sed -e "s/@NODE@/$node/g" -e "s/@MEMORY@/$memory/g" -e "s/@CPUS@/$cpus/g" -e "s#@STATE@#$state#g" \
  "$here/slurm.conf.in" >/etc/slurm/slurm.conf
touch /etc/slurm/slurm.conf.miriam

# --- daemons ------------------------------------------------------------------------------------
chown munge:munge /run/munge /var/log/munge /var/lib/munge
[ -f /etc/munge/munge.key ] || (mungekey --create >/dev/null 2>&1 || /usr/sbin/create-munge-key -f >/dev/null)
chown munge:munge /etc/munge/munge.key && chmod 400 /etc/munge/munge.key
if ! pgrep -x munged >/dev/null; then
  runuser -u munge -- munged --pid-file=/run/munge/munged.pid
  sleep 1
  started+=("$(cat /run/munge/munged.pid)")
fi
slurmctld -i -f /etc/slurm/slurm.conf
slurmd -f /etc/slurm/slurm.conf
sleep 2
started+=("$(cat "$state/slurmctld.pid")" "$(cat "$state/slurmd.pid")")
for _ in $(seq 1 20); do
  sinfo -h -o '%t' 2>/dev/null | grep -qE '^(idle|mix|alloc)' && break
  sleep 1
done
log "cluster up: $(sinfo -h -o '%P %D %t %c CPUs %m MB')"

# --- the build ----------------------------------------------------------------------------------
git -C "$root" ls-files -z | (cd "$root" && xargs -0 cp --parents -t "$work")
cd "$work"
log "building the demo cohorts through SLURM in $work"
start=$(date +%s)
# SIGINT on timeout: snakemake then cancels its SLURM jobs and exits (SIGTERM left it waiting).
timeout -s INT "${SLURM_DEMO_TIMEOUT:-3000}" "$snakemake" --profile "$root/profiles/slurm" \
  --directory "$work" --snakefile "$work/Snakefile" all 2>&1 | tee "$work/snakemake-slurm.log"
jobs=$(grep -c "has been submitted with SLURM jobid" "$work/snakemake-slurm.log" || true)
log "SLURM build done in $(($(date +%s) - start)) s: $jobs jobs submitted with sbatch"
test -f "$work/results/demo-2023-2024/report/index.html"
test "$jobs" -gt 0
log "ok: results/demo-2023-2024/report/index.html made by SLURM jobs"
