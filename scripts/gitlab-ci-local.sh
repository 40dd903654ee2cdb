#!/usr/bin/env bash
# .gitlab-ci.yml's jobs run here, in containers, as a GitLab runner's Docker executor would run them:
#   scripts/gitlab-ci-local.sh [JOB...]       (lint by default; `test` runs make test inside the job's image)
# gitlab-ci-local (npm, into ~/.cache/jobbot-gitlab-ci-local; 4.60: later versions need Node.js 22) on Docker's
# engine (scripts/container-engine.sh). The job images are the pipeline's own names (rust:1.95-bookworm,
# postgres:15-bookworm), made from Debian's mirror where no registry answers (scripts/base-images.sh); the
# helper container is debian:bookworm-slim instead of firecow/gitlab-ci-local-util (Docker Hub). The host's CA
# bundle is mounted into the jobs for their HTTPS (PyPI, npm, crates.io through this machine's proxy).
# The kaniko and deploy jobs are not run: they push to a registry and SSH to a server.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=("${@:-lint}")
tool=${JOBBOT_GITLAB_CI_LOCAL:-$HOME/.cache/jobbot-gitlab-ci-local}
if [ ! -x "$tool/node_modules/.bin/gitlab-ci-local" ]; then
  echo "==> installing gitlab-ci-local 4.60.0 (npm) into $tool"
  mkdir -p "$tool"
  (cd "$tool" && npm install --no-audit --no-fund --silent gitlab-ci-local@4.60.0 >/dev/null)
fi
scripts/container-engine.sh docker
scripts/base-images.sh docker rust-full postgres
# A clean copy of the commit: the jobs see what GitLab would check out, not this checkout's build files.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git clone -q --no-hardlinks . "$work/repo"
git -C "$work/repo" remote set-url origin https://gitlab.com/jobbot/jobbot.git
cd "$work/repo"
ca=/etc/ssl/certs/ca-certificates.crt
"$tool/node_modules/.bin/gitlab-ci-local" --helper-image debian:bookworm-slim --pull-policy if-not-present \
  --volume "$ca:$ca:ro" --variable "REQUESTS_CA_BUNDLE=$ca" --variable "NODE_EXTRA_CA_CERTS=$ca" \
  --timestamps "${jobs[@]}"
