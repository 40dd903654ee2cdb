#!/usr/bin/env bash
# The base images the Dockerfiles and docker-compose.yml name, made on a machine that reaches Debian's mirror but
# no container registry (this project's test machines), and tagged with their Docker Hub names so that the files
# resolve unchanged:
#   scripts/base-images.sh ENGINE IMAGE...     ENGINE: docker or podman; IMAGE: debian, postgres, rust, rust-full
#   debian    debian:bookworm-slim       debootstrap --variant=minbase, with the slim image's apt/dpkg settings
#   postgres  postgres:15-bookworm       Debian's postgresql-15 and the official entrypoint's variables
#                                        (ops/standins/postgres)
#   rust      rust:1.95-slim-bookworm    this machine's rustup toolchain (with its wasm32 target) and gcc
#                                        (ops/standins/rust)
#   rust-full rust:1.95-bookworm         the same plus buildpack-deps' tools (git, curl…): GitLab CI's jobs
#                                        (ops/standins/rust-full)
# An image the engine already has (pulled from Docker Hub, say) is left alone. The Debian root file system is
# cached in ${JOBBOT_IMAGE_CACHE:-~/.cache/jobbot-images} (about 2.5 minutes to make, 30 MB).
set -euo pipefail
cd "$(dirname "$0")/.."
engine=${1:?usage: base-images.sh docker|podman IMAGE...}
shift
cache=${JOBBOT_IMAGE_CACHE:-$HOME/.cache/jobbot-images}
mkdir -p "$cache"

has() { "$engine" image inspect "$1" >/dev/null 2>&1; }
# A stand-in built here carries the hash of its folder: rebuilt when the folder changes. An image without that
# label came from a registry and is left alone.
digest() { (cd "$1" && sha256sum Dockerfile ./*.sh 2>/dev/null | sha256sum | cut -c1-16); }
current() { # TAG FOLDER
  local label
  has "$1" || return 1
  label=$("$engine" image inspect -f '{{ index .Config.Labels "org.jobbot.standin" }}' "$1" 2>/dev/null || true)
  [ -z "$label" ] || [ "$label" = "<no value>" ] || [ "$label" = "$(digest "$2")" ]
}
# These builds reach Debian's mirror only, over HTTP (apt checks the signatures): no CA bundle needed.
build() { # TAG CONTEXT [ARGS...]
  local tag=$1 context=$2
  shift 2
  # Docker's classic builder (Debian's docker.io has no BuildKit); its deprecation notice is not shown.
  if [ "$engine" = podman ]; then
    podman build --format docker -q -t "$tag" "$@" "$context" >"$cache/build.log" 2>&1
  else
    DOCKER_BUILDKIT=0 docker build -q -t "$tag" "$@" "$context" >"$cache/build.log" 2>&1
  fi || { tail -n 30 "$cache/build.log" >&2; return 1; }
}

# The first http(s) mirror apt uses here (deb.debian.org when none is found).
mirror() {
  local uri
  uri=$(grep -hoE '^(URIs:|deb) *(\[[^]]*\] *)?https?://[^ ]*' /etc/apt/sources.list /etc/apt/sources.list.d/*.sources \
    /etc/apt/sources.list.d/*.list 2>/dev/null | grep -v security | grep -oE 'https?://[^ ]*' | head -n 1 || true)
  echo "${uri:-http://deb.debian.org/debian}"
}

debian_rootfs() {
  local tarball=$cache/debian-bookworm-slim.tar
  if [ ! -s "$tarball" ]; then
    command -v debootstrap >/dev/null || {
      [ "$(id -u)" = 0 ] || { echo "debootstrap is missing: apt-get install debootstrap" >&2; exit 1; }
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
    }
    local root
    root=$(mktemp -d "$cache/rootfs.XXXXXX")
    echo "==> debian:bookworm-slim: debootstrap --variant=minbase bookworm from $(mirror)" >&2
    debootstrap --variant=minbase bookworm "$root" "$(mirror)" >"$cache/debootstrap.log" 2>&1 ||
      { tail -n 20 "$cache/debootstrap.log" >&2; rm -rf "$root"; exit 1; }
    # What the slim image adds to a minbase system: no documentation, man pages or translations installed,
    # no package lists or .deb files kept, no recommended packages kept by autoremove.
    cat >"$root/etc/dpkg/dpkg.cfg.d/docker" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
EOF
    cat >"$root/etc/apt/apt.conf.d/docker-clean" <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF
    echo 'Acquire::Languages "none";' >"$root/etc/apt/apt.conf.d/docker-no-languages"
    echo 'Acquire::GzipIndexes "true";' >"$root/etc/apt/apt.conf.d/docker-gzip-indexes"
    echo 'Apt::AutoRemove::SuggestsImportant "false";' >"$root/etc/apt/apt.conf.d/docker-autoremove-suggests"
    rm -f "$root/etc/apt/sources.list"
    cat >"$root/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $(mirror)
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
    rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb \
      "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/info/* "$root"/usr/share/locale/* "$root"/tmp/*
    : >"$root/etc/hostname"
    tar --numeric-owner -C "$root" -cf "$tarball.part" .
    mv "$tarball.part" "$tarball"
    rm -rf "$root"
  fi
  echo "$tarball"
}

for image in "$@"; do
  case "$image" in
    debian)
      tag=debian:bookworm-slim
      has "$tag" && continue
      tarball=$(debian_rootfs)
      echo "==> $tag: imported from $tarball" >&2
      "$engine" import --change 'CMD ["bash"]' --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        "$tarball" "$tag" >/dev/null
      if [ "$engine" = podman ]; then podman tag "$tag" "docker.io/library/$tag"; fi
      ;;
    postgres)
      tag=postgres:15-bookworm
      current "$tag" ops/standins/postgres && continue
      "$0" "$engine" debian
      echo "==> $tag: Debian's postgresql-15 (ops/standins/postgres)" >&2
      build "$tag" ops/standins/postgres --label "org.jobbot.standin=$(digest ops/standins/postgres)"
      if [ "$engine" = podman ]; then podman tag "$tag" "docker.io/library/$tag"; fi
      ;;
    rust)
      tag=rust:1.95-slim-bookworm
      current "$tag" ops/standins/rust && continue
      "$0" "$engine" debian
      toolchain=$(rustc --print sysroot)
      echo "==> $tag: this machine's toolchain ($toolchain) and gcc (ops/standins/rust)" >&2
      context=$(mktemp -d "$cache/rust.XXXXXX")
      cp ops/standins/rust/Dockerfile "$context/"
      # The toolchain only (no documentation): rustc, cargo, clippy, rustfmt and the standard libraries.
      mkdir -p "$context/toolchain"
      tar -C "$toolchain" --exclude=share/doc --exclude='lib/rustlib/*/doc' -cf - . | tar -C "$context/toolchain" -xf -
      cp "$(command -v rustup)" "$context/rustup"
      build "$tag" "$context" --label "org.jobbot.standin=$(digest ops/standins/rust)" || { rm -rf "$context"; exit 1; }
      rm -rf "$context"
      if [ "$engine" = podman ]; then podman tag "$tag" "docker.io/library/$tag"; fi
      ;;
    rust-full)
      tag=rust:1.95-bookworm
      current "$tag" ops/standins/rust-full && continue
      "$0" "$engine" rust
      echo "==> $tag: the slim stand-in and buildpack-deps' tools (ops/standins/rust-full)" >&2
      build "$tag" ops/standins/rust-full --label "org.jobbot.standin=$(digest ops/standins/rust-full)"
      if [ "$engine" = podman ]; then podman tag "$tag" "docker.io/library/$tag"; fi
      ;;
    *) echo "unknown image $image (debian, postgres, rust, rust-full)" >&2; exit 2 ;;
  esac
done
