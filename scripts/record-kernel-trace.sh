#!/bin/sh
# Records real dmaengine traces for dmactor: Debian's armhf kernel on a Raspberry Pi 2 under
# QEMU (TCG), the mainline bcm2835-dma driver, dmatest (memcpy: one thread, two threads on one
# channel, polled) and dslave (scripts/kernel-trace/dslave.c: slave_sg, submit without issue,
# terminate_sync, release), traced with the function tracer and kprobe events.
#
# usage: scripts/record-kernel-trace.sh [OUT_DIR]   (default test/fixtures/kernel-traces)
# Needs root on Debian bookworm (apt-get). Work files go to $KTRACE_WORK (default /tmp/ktrace);
# KTRACE_DRIVERS picks the guests (default "bcm2835 pl330").
# Writes OUT_DIR/<driver>-<phase>.trace (the ftrace text of one phase), <driver>-all.trace (the
# whole run) and <driver>.versions (packages, kernel, kprobe events, dmesg results).
set -eu
REPO=$(cd "$(dirname "$0")/.." && pwd)
OUT=${1:-$REPO/test/fixtures/kernel-traces}
W=${KTRACE_WORK:-/tmp/ktrace}
KVER=${KTRACE_KVER:-}
mkdir -p "$W" "$OUT"
W=$(cd "$W" && pwd)
say() { echo "record-kernel-trace: $*" >&2; }

# 1. Packages: host tools, then the armhf kernel, headers and busybox unpacked (not installed).
need=""
for p in qemu-system-arm gcc-arm-linux-gnueabihf linux-source-6.1 linux-kbuild-6.1 make bc cpio xz-utils; do
  dpkg -s "$p" >/dev/null 2>&1 || need="$need $p"
done
if [ -n "$need" ]; then
  say "apt-get install$need"
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $need
fi
if ! dpkg --print-foreign-architectures | grep -qx armhf; then
  dpkg --add-architecture armhf
  apt-get update
fi
if [ -z "$KVER" ]; then
  KVER=$(apt-cache depends linux-image-armmp:armhf | sed -n 's/.*Depends: linux-image-\(.*\):armhf/\1/p' | head -1)
fi
ABI=${KVER%-armmp}
say "kernel $KVER"
mkdir -p "$W/debs"
(cd "$W/debs" && for p in "linux-image-$KVER:armhf" busybox-static:armhf "linux-headers-$KVER:armhf" "linux-headers-$ABI-common"; do
  ls ./"${p%%:*}"_*.deb >/dev/null 2>&1 || apt-get download "$p"
done)
if [ ! -d "$W/root/usr/src/linux-headers-$KVER" ]; then
  for d in "$W"/debs/*.deb; do dpkg-deb -x "$d" "$W/root"; done
  # The headers' scripts are the host's (linux-kbuild-6.1); their Makefile names an absolute path.
  ln -sfn /usr/lib/linux-kbuild-6.1 "$W/root/usr/lib/linux-kbuild-6.1"
  sed -i "s#include /usr/src/#include $W/root/usr/src/#" "$W/root/usr/src/linux-headers-$KVER/Makefile"
fi
KDIR=$W/root/usr/src/linux-headers-$KVER

# 2. Sources from linux-source-6.1: dmatest (Debian's armmp kernel does not ship it) and the
# driver's private structs, for the kprobe offsets.
S=$W/src/linux-source-6.1
if [ ! -f "$S/drivers/dma/dmatest.c" ]; then
  mkdir -p "$W/src"
  tar -C "$W/src" -xJf /usr/src/linux-source-6.1.tar.xz \
    linux-source-6.1/drivers/dma/dmatest.c linux-source-6.1/drivers/dma/bcm2835-dma.c \
    linux-source-6.1/drivers/dma/virt-dma.h linux-source-6.1/drivers/dma/virt-dma.c \
    linux-source-6.1/drivers/dma/dmaengine.h
fi
B=$W/build
rm -rf "$B"; mkdir -p "$B"
cp "$S/drivers/dma/dmatest.c" "$S/drivers/dma/virt-dma.h" "$S/drivers/dma/dmaengine.h" "$B/"
cp "$REPO/scripts/kernel-trace/dslave.c" "$REPO/scripts/kernel-trace/bcm2835-offsets.c" "$B/"
awk '/^struct bcm2835_dma_cb \{/{p=1} p{print} p&&/^\};/{n++; if(n==4) exit}' \
  "$S/drivers/dma/bcm2835-dma.c" > "$B/bcm2835-structs.h"
echo 'obj-m := dmatest.o dslave.o' > "$B/Makefile"
KMAKE="make -C $KDIR M=$B ARCH=arm CROSS_COMPILE=arm-linux-gnueabihf-"
$KMAKE bcm2835-offsets.s
$KMAKE modules
offsets=$(sed -n 's/.*"->\([A-Z_]*\) #\([0-9]*\)".*/-e s#@OFF_\1@#\2#g/p' "$B/bcm2835-offsets.s" | tr '\n' ' ')
say "offsets: $offsets"

# 3-5. One guest per driver: an initramfs (busybox, the modules, /init), a boot that stops once
# the guest printed "### done", and the traces cut out of its console.
record() { # NAME INIT MODULES QEMU-ARGS...
  name=$1; init=$2; mods=$3; shift 3
  I=$W/initramfs-$name
  rm -rf "$I"; mkdir -p "$I/bin" "$I/proc" "$I/sys" "$I/dev"
  cp "$W/root/bin/busybox" "$I/bin/busybox"
  for m in $mods; do cp "$B/$m" "$I/"; done
  # shellcheck disable=SC2086
  sed $offsets "$REPO/scripts/kernel-trace/$init" > "$I/init"
  chmod +x "$I/init"
  if grep -q '@OFF_' "$I/init"; then say "an offset is missing: $(grep -o '@OFF_[A-Z_]*@' "$I/init" | sort -u)"; exit 1; fi
  (cd "$I" && find . | cpio -o -H newc 2>/dev/null | gzip -9) > "$W/initrd-$name.cpio.gz"
  LOG=$W/console-$name.log
  timeout 600 qemu-system-arm "$@" -kernel "$W/root/boot/vmlinuz-$KVER" -initrd "$W/initrd-$name.cpio.gz" \
    -nographic -no-reboot -monitor none > "$LOG" 2>&1 &
  QPID=$!
  while kill -0 $QPID 2>/dev/null; do
    if grep -q '^### done' "$LOG"; then sleep 3; kill $QPID 2>/dev/null || true; break; fi
    sleep 2
  done
  wait $QPID || true
  grep -q '^### TRACE END' "$LOG" || { say "$name: the guest printed no complete trace; see $LOG"; return 1; }
  tr -d '\r' < "$LOG" | sed -n '/^### TRACE BEGIN/,/^### TRACE END/p' | sed '1d;$d' > "$OUT/$name-all.trace"
  awk -v out="$OUT" -v name="$name" '
    /^#/ { hdr = hdr $0 "\n"; next }
    /tracing_mark_write: PHASE / { sub(/.*tracing_mark_write: PHASE /, ""); phase = $0
      if (f) close(f); f = (phase == "END") ? "" : out "/" name "-" phase ".trace"
      if (f) printf "%s", hdr > f; next }
    f { print > f }' "$OUT/$name-all.trace"
  {
    echo "# Recorded by scripts/record-kernel-trace.sh on $(date -u +%Y-%m-%d)"
    echo "# host: $(uname -srm)"
    echo "# packages:"
    for p in qemu-system-arm gcc-arm-linux-gnueabihf linux-source-6.1 linux-kbuild-6.1; do
      echo "#   $p $(dpkg-query -W -f '${Version}' "$p")"
    done
    for d in "$W"/debs/*.deb; do echo "#   $(dpkg-deb -f "$d" Package) $(dpkg-deb -f "$d" Version) ($(dpkg-deb -f "$d" Architecture))"; done
    echo "# qemu: qemu-system-arm $(echo "$*" | sed "s#$W/root/usr/lib/linux-image-$KVER/##") (TCG)"
    echo "# offsets: $(sed -n 's/.*"->\([A-Z_]*\) #\([0-9]*\)".*/\1=\2/p' "$B/bcm2835-offsets.s" | tr '\n' ' ')"
    tr -d '\r' < "$LOG" | grep -E '^### (uname|dma channels|PHASE|done)'
    echo "### results"
    tr -d '\r' < "$LOG" | sed -n '/^### client results/,/^### trace stats/p' | grep -E 'dmatest|dslave|pl330'
    tr -d '\r' < "$LOG" | sed -n '/^### trace stats/,/^### TRACE BEGIN/p' | sed '$d'
    tr -d '\r' < "$LOG" | sed -n '/^### KPROBES BEGIN/,/^### KPROBES END/p'
    tr -d '\r' < "$LOG" | sed -n '/^### INTERRUPTS BEGIN/,/^### INTERRUPTS END/p'
  } > "$OUT/$name.versions"
  say "wrote $(ls "$OUT"/"$name"* | tr '\n' ' ')"
}

IMG=$W/root/usr/lib/linux-image-$KVER
DRIVERS=${KTRACE_DRIVERS:-bcm2835 pl330}
want() { case " $DRIVERS " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }
# Raspberry Pi 2: bcm2835-dma, a virt-dma driver; dmatest and dslave.
want bcm2835 && record bcm2835 init-bcm2835 "dmatest.ko dslave.ko" -M raspi2b -dtb "$IMG/bcm2836-rpi-2-b.dtb" \
  -append "console=ttyAMA0,115200 earlycon=pl011,0x3f201000 rdinit=/init loglevel=6" -serial stdio
# Exynos4210 (SMDKC210): three PL330 controllers; dmatest only (its slave channels need a
# peripheral request line from the device tree). The console is the second UART.
want pl330 && record pl330 init-pl330 "dmatest.ko" -M smdkc210 -smp 2 \
  -dtb "$IMG/exynos4210-smdkv310.dtb" -append "console=ttySAC1,115200 rdinit=/init loglevel=6" \
  -serial null -serial stdio
say "done"
