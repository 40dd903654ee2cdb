#!/usr/bin/env bash
# A running container engine for the tests and `make images`, installed and started where needed:
#   scripts/container-engine.sh docker    Debian's docker.io and docker-compose; dockerd started by hand when
#                                         no daemon answers (no systemd on the test machines)
#   scripts/container-engine.sh podman    Debian's podman and buildah, runc as its runtime (crun cannot set
#                                         RLIMIT_NOFILE here) and raised default ulimits; iptables too, which
#                                         netavark runs to give a build its network (without it, on a bare
#                                         machine: "netavark: No such file or directory")
# Exit status 3 (and the reason on stderr) when no engine can run here: not root and none installed, no
# package manager, or a daemon that does not start.
set -euo pipefail
engine=${1:?usage: container-engine.sh docker|podman}
export DEBIAN_FRONTEND=noninteractive

install() { # PACKAGES...
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "no container engine: $* missing, and apt-get cannot install them here (root and Debian needed)" >&2
    exit 3
  fi
  echo "==> installing $* (Debian's packages)" >&2
  apt-get install -y -qq "$@" >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq "$@" >/dev/null; } ||
    { echo "no container engine: apt-get install $* failed" >&2; exit 3; }
}

case "$engine" in
  docker)
    command -v dockerd >/dev/null 2>&1 && command -v docker-compose >/dev/null 2>&1 || install docker.io docker-compose
    if ! docker info >/dev/null 2>&1; then
      [ "$(id -u)" = 0 ] || { echo "no container engine: dockerd is not running and only root can start it" >&2; exit 3; }
      echo "==> starting dockerd (log: /var/log/jobbot-dockerd.log)" >&2
      setsid dockerd >/var/log/jobbot-dockerd.log 2>&1 </dev/null &
      for _ in $(seq 1 150); do
        docker info >/dev/null 2>&1 && break
        sleep 0.2
      done
      docker info >/dev/null 2>&1 || { tail -n 20 /var/log/jobbot-dockerd.log >&2; echo "no container engine: dockerd did not start" >&2; exit 3; }
    fi
    ;;
  podman)
    for tool in podman buildah runc fuse-overlayfs slirp4netns newuidmap netavark aardvark-dns iptables; do
      command -v "$tool" >/dev/null 2>&1 || [ -x "/usr/lib/podman/$tool" ] || [ -x "/usr/sbin/$tool" ] || {
        install podman buildah runc fuse-overlayfs slirp4netns uidmap netavark aardvark-dns iptables
        break
      }
    done
    conf=/etc/containers/containers.conf
    if [ "$(id -u)" = 0 ] && ! grep -qs '^runtime *= *"runc"' "$conf"; then
      mkdir -p /etc/containers
      {
        echo '# Written by JobBot'"'"'s scripts/container-engine.sh: crun cannot set RLIMIT_NOFILE on these machines.'
        echo '[containers]'
        echo 'default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]'
        echo '[engine]'
        echo 'runtime = "runc"'
      } >"$conf"
    fi
    podman info >/dev/null 2>&1 || { podman info >&2 || true; echo "no container engine: podman does not run" >&2; exit 3; }
    ;;
  *) echo "unknown engine $engine (docker, podman)" >&2; exit 2 ;;
esac
