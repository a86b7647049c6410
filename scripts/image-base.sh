#!/usr/bin/env bash
# Builds the node image's base without a registry: Debian bookworm (minbase) with the Java 17 JRE,
# from Debian's packages, packed as a `docker save` tarball, which Jib takes as a base with
# `tar://` (the image profile: IMAGE_BASE=<this file> mvn -Pimage ...). Jib reads a local base only in
# this format, not as an OCI layout; the image it builds on it is OCI. Real builds use the Temurin
# 17 JRE image from a registry instead. Needs root (debootstrap, chroot).
#
#   scripts/image-base.sh [out.tar]     (default ~/.cache/inferencia/image-base.tar; kept when present)
set -euo pipefail

out="${1:-$HOME/.cache/inferencia/image-base.tar}"
if [ -s "$out" ]; then
  echo "image base: $out (already built)"
  exit 0
fi
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
command -v debootstrap >/dev/null 2>&1 || {
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq debootstrap
}

work="$(mktemp -d)"
trap '$SUDO rm -rf "$work"' EXIT
rootfs="$work/rootfs"
echo "image base: debootstrap bookworm with openjdk-17-jre-headless into $rootfs"
$SUDO debootstrap --variant=minbase --include=openjdk-17-jre-headless,ca-certificates \
  bookworm "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 || {
  tail -n 40 "$work/debootstrap.log"; exit 1; }

# What a runtime image does not need: package caches and lists, docs, man pages, locales.
$SUDO rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* \
  "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* "$rootfs"/var/log/*
# The node runs as uid 65532 (the image's user); give it a name and a writable home for the JVM.
echo 'inferencia:x:65532:65532:inferencia:/home/inferencia:/usr/sbin/nologin' | $SUDO tee -a "$rootfs/etc/passwd" >/dev/null
echo 'inferencia:x:65532:' | $SUDO tee -a "$rootfs/etc/group" >/dev/null
$SUDO mkdir -p "$rootfs/home/inferencia" && $SUDO chown 65532:65532 "$rootfs/home/inferencia"

# One layer, and the config and manifest of the `docker save` format.
pack="$work/pack"
mkdir -p "$pack"
$SUDO tar --numeric-owner --xattrs -C "$rootfs" -cf "$pack/layer.tar" .
$SUDO chown "$(id -u)" "$pack/layer.tar"
diff_id="sha256:$(sha256sum "$pack/layer.tar" | cut -d' ' -f1)"
java_home=/usr/lib/jvm/java-17-openjdk-amd64
cat >"$pack/config.json" <<JSON
{"architecture":"amd64","os":"linux",
 "config":{"Env":["PATH=$java_home/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","JAVA_HOME=$java_home","LANG=C.UTF-8"]},
 "rootfs":{"type":"layers","diff_ids":["$diff_id"]},
 "history":[{"created_by":"scripts/image-base.sh: debootstrap bookworm minbase + openjdk-17-jre-headless"}]}
JSON
cat >"$pack/manifest.json" <<JSON
[{"Config":"config.json","RepoTags":["inferencia-base:bookworm-jre17"],"Layers":["layer.tar"]}]
JSON
mkdir -p "$(dirname "$out")"
tar -C "$pack" -cf "$out.partial" manifest.json config.json layer.tar
mv "$out.partial" "$out"
echo "image base: $out ($(du -h "$out" | cut -f1))"
