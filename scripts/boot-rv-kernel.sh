#!/bin/bash
# Boot a kernel that scripts/verify-rv-kernel.sh built with NEWTREE_LINK=1 (its tree is
# $WORK/new/linux-source-*) under QEMU, and use the dmaengine RV monitors at run time: are the
# container and every monitor registered (available_monitors), does enabling the container
# enable each of them (each attaches its probes to the dmaengine tracepoints), do the virt-dma
# driver ptdma and dmatest load as modules against the exported tracepoints, does disabling
# detach them all, and is the kernel log free of warnings. QEMU emulates no DMA controller, so
# scripts/rv-swdma/swdma.c, a virt-dma memcpy provider done by the CPU, is built against the
# tree and loaded, and dmatest runs on it with the monitors enabled: per monitor, how many
# events it took and how many errors (rejected events) it reported.
#
# Packages: qemu-system-x86 busybox-static cpio (and /dev/kvm, or it runs under TCG, slower).
# Usage: scripts/boot-rv-kernel.sh TREE [OUT]   (OUT: the summary, default stdout)
set -euo pipefail
tree=$(cd "$1" && pwd)
out=${2:-/dev/stdout}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
summary="$work/summary.txt"
say() { echo "$*" >>"$summary"; }
: >"$summary"

v=$(make -s -C "$tree" kernelversion)
image="$tree/arch/x86/boot/bzImage"
[ -f "$image" ] || make -C "$tree" -s -j2 bzImage
say "# dmactor RV monitors booted ($(date -u +%Y-%m-%d)): $(qemu-system-x86_64 --version | head -1), $(dpkg-query -W -f='busybox-static ${Version}' busybox-static)"
say "boot kernel: $v, bzImage sha256 $(sha256sum "$image" | cut -d' ' -f1)"
for c in "$tree"/kernel/trace/rv/monitors/*/; do
  name=$(basename "$c")
  [ -f "$c/$name.c" ] && grep -q 'dmactor' "$c/$name.c" || continue
  say "boot sha256 $name/$name.c $(sha256sum "$c/$name.c" | cut -d' ' -f1)"
done

root="$work/root"
mkdir -p "$root"/{bin,proc,sys,dev,mods}
cp /bin/busybox "$root/bin/busybox"
cp "$tree/drivers/dma/dmatest.ko" "$tree/drivers/dma/amd/ptdma/ptdma.ko" "$root/mods/"
here=$(cd "$(dirname "$0")/.." && pwd)
cp -r "$here/scripts/rv-swdma" "$work/swdma"
make -s -C "$tree" -j2 W=1 M="$work/swdma" modules >"$work/swdma.log" 2>&1 && rc=0 || rc=$?
say "boot swdma: make W=1 M=scripts/rv-swdma modules exited $rc, $(grep -c 'warning:' "$work/swdma.log" || true) warnings; swdma.c sha256 $(sha256sum "$here/scripts/rv-swdma/swdma.c" | cut -d' ' -f1)"
cp "$work/swdma/swdma.ko" "$root/mods/"
mons=$(for c in "$tree"/kernel/trace/rv/monitors/*/; do n=$(basename "$c"); if [ -f "$c/${n}_trace.h" ] && grep -q dmactor "$c/$n.c"; then echo "$n"; fi; done | tr '\n' ' ')
echo "$mons" >"$root/monitors"
cat >"$root/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tracefs tracefs /sys/kernel/tracing
rv=/sys/kernel/tracing/rv
say() { echo "RVBOOT $*"; }
bug=; case " $(cat /proc/cmdline) " in *" rvboot.bug "*) bug=1; say() { echo "RVBUG $*"; };; esac
say "uname $(uname -r)"
for m in $(cat $rv/available_monitors); do case "$m" in dmaengine*) say "available $m";; esac; done
echo dmaengine >$rv/enabled_monitors && say "enable dmaengine: ok" || say "enable dmaengine: FAILED"
for m in $(cat $rv/enabled_monitors); do say "enabled $m"; done
for d in $rv/monitors/dmaengine/*/; do
  [ -f "$d/enable" ] && say "$(basename "$d") enable=$(cat "$d/enable")"
done
t=/sys/kernel/tracing
echo 16384 >$t/buffer_size_kb
echo 1 >$t/events/rv/enable
echo 1 >$t/events/dmaengine/enable
mods='dmatest ptdma swdma-client_runs=20'
[ -n "$bug" ] && mods='swdma-client_runs=2-client_bug=1'
for ko in $mods; do
  ko=$(echo "$ko" | tr '-' ' ')
  set -- $ko; m=$1; shift
  insmod /mods/$m.ko "$@" && say "insmod $ko: ok" || say "insmod $ko: FAILED"
done
if [ -z "$bug" ]; then
  p=/sys/module/dmatest/parameters
  echo 20 >$p/iterations
  echo 5000 >$p/timeout
  echo dma0chan0 >$p/channel
  echo dma0chan1 >$p/channel
  echo 1 >$p/run
  cat $p/wait >/dev/null
  rmmod dmatest && say "rmmod dmatest: ok" || say "rmmod dmatest: FAILED"
fi
echo 0 >$t/tracing_on
dmesg | grep -E 'dmatest: .*summary|swdma swdma: client' | sed 's/^\[[^]]*\] //' | while read -r l; do say "$l"; done
say "dmaengine events traced: $(grep -cE ' (dmaengine|vchan)_[a-z_]+: ' $t/trace)"
for m in $(cat /monitors); do
  say "monitor $m: $(grep -c " event_$m:" $t/trace) events, $(grep -c " error_$m:" $t/trace) errors"
done
grep -E ' (dmaengine|vchan)_[a-z_]+: ' $t/trace | sed 's/^.*: \([a-z_]*\): .*$/\1/' | sort | uniq -c | while read -r n e; do say "tracepoint $e: $n"; done
grep -E ' (event|error)_[a-z_]+: ' $t/trace | sed 's/^.*: \(\(event\|error\)_[a-z_]*\): [-0-9]*: \(.*\)$/\1 \3/' | sort | uniq -c | while read -r n l; do say "seen $n: $l"; done
grep -E ' error_' $t/trace | head -10 | sed 's/^ *//' | while read -r l; do say "error: $l"; done
echo >$rv/enabled_monitors && say "disable all: ok" || say "disable all: FAILED"
say "enabled after disable: $(cat $rv/enabled_monitors | tr '\n' ' ')-"
say "kernel log warnings: $(dmesg | grep -cE 'WARNING|BUG|Oops|Call Trace')"
dmesg | grep -E 'WARNING|BUG|Oops|rv:' | head -20 | sed 's/^/RVBOOT dmesg /'
say "done"
poweroff -f
INIT
chmod +x "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip) >"$work/initramfs.gz"

accel=()
if [ -n "${KVM:-}" ] && [ -w /dev/kvm ]; then accel=(-enable-kvm); fi
say "boot accel: ${accel[*]:-tcg}"
# Twice: a correct client and dmatest, then (rvboot.bug) a client with a client.rst bug.
for phase in "" rvboot.bug; do
  timeout 600 qemu-system-x86_64 "${accel[@]}" -m 1024 -smp 2 -nographic -no-reboot \
    -kernel "$image" -initrd "$work/initramfs.gz" \
    -append "console=ttyS0 panic=-1 loglevel=4 $phase" >"$work/console${phase:+-bug}.log" 2>&1 || true
done
for log in console console-bug; do
  tag=RVBOOT pre=boot; [ "$log" = console-bug ] && tag=RVBUG pre=bug
  grep -a "^$tag " "$work/$log.log" | tr -d '\r' | sed "s/^$tag /$pre /" >>"$summary" || true
  grep -aq "^$tag done" "$work/$log.log" || { say "$log: DID NOT FINISH"; tail -20 "$work/$log.log" | sed 's/^/boot console /' >>"$summary"; }
done
if [ -n "${BOOT_LOG:-}" ]; then cp "$work/console.log" "$BOOT_LOG"; cp "$work/console-bug.log" "$BOOT_LOG.bug"; fi
cat "$summary" >"$out"
