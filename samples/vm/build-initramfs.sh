#!/usr/bin/env bash
# build-initramfs.sh - a tiny guest for the hypervisor layers (L-0/L-1/L-2): Debian's cloud
# kernel's virtio modules, a static busybox and samples/vm/guest-init as /init, packed as a
# gzip'ed cpio. No Java, no disk image needed: the guest runs from RAM.
#
# usage: build-initramfs.sh [--kernel-version 6.1.0-57-cloud-amd64] [--out DIR]
#   needs (Debian 12): busybox-static, linux-image-cloud-amd64, cpio
#   writes DIR/initramfs.cpio.gz (default DIR: /tmp/stack-vm) and prints its path
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
kver="$(ls /lib/modules | grep -m1 cloud-amd64 || true)"
out=/tmp/stack-vm
while [ $# -gt 0 ]; do
  case "$1" in
    --kernel-version) kver="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    *) echo "build-initramfs: unknown option $1" >&2; exit 2 ;;
  esac
done
[ -n "$kver" ] && [ -d "/lib/modules/$kver" ] \
  || { echo "build-initramfs: no cloud kernel modules (apt-get install linux-image-cloud-amd64)" >&2; exit 1; }
command -v busybox >/dev/null && busybox --list | grep -qx sh \
  || { echo "build-initramfs: needs a static busybox (apt-get install busybox-static)" >&2; exit 1; }

root="$(mktemp -d)"
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,sbin,proc,sys,dev,tmp,run,etc,lib/modules,samples}
cp "$(command -v busybox)" "$root/bin/busybox"
for applet in $(busybox --list); do
  [ -e "$root/bin/$applet" ] || ln -s busybox "$root/bin/$applet"
done
# the virtio stack, in load order (modinfo -F depends)
for m in virtio virtio_ring virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci virtio_blk \
         failover net_failover virtio_net; do
  f="$(modinfo -k "$kver" -n "$m")"
  case "$f" in
    *.xz) xz -dc "$f" > "$root/lib/modules/$m.ko" ;;
    *.zst) zstd -qdc "$f" > "$root/lib/modules/$m.ko" ;;
    *) cp "$f" "$root/lib/modules/$m.ko" ;;
  esac
done
cp "$here/guest-init" "$root/init"
chmod +x "$root/init"
cp "$here/../ebpf/steal-sampler.sh" "$root/samples/steal-sampler.sh"
mkdir -p "$out"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) > "$out/initramfs.cpio.gz"
echo "$out/initramfs.cpio.gz"
