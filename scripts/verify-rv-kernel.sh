#!/bin/bash
# Verify `dmactor rv` against the kernel's own tools, once, on a Debian machine:
#
#   G3  the current rvgen (its lark DOT grammar and dot2c): every docs/rv/*.dot parses, the
#       start events rvgen finds, and the model header it writes is byte for byte ours.
#       Needs RVGEN=<dir holding rvgen/automata.py and rvgen/dot2c.py> from the kernel's
#       tools/verification/rvgen (torvalds/linux; not shipped by Debian, not committed here).
#   G0  Linux 6.1's dot2k (Debian linux-source-6.1) accepts every docs/rv/*.dot.
#   6.1 the tracepoint patch applies to a pristine 6.1 tree, and in-tree with W=1 the patched
#       drivers/dma/ (dmaengine, virt-dma, and ptdma, a virt-dma driver, as modules) and every
#       monitor's model header, trace snippet and Kconfig entry under 6.1's RV build. 6.1's
#       da_monitor.h has no per-object monitors, so each monitor is built from 6.1 dot2k's
#       per-task skeleton with our header, not from our per-object .c.
#
# Packages: python3-lark linux-source-6.1 gcc make bc flex bison libelf-dev libssl-dev.
# Usage: RVGEN=/path scripts/verify-rv-kernel.sh [OUT]  (OUT: the summary, default stdout)
# The kernel build is heavy: it runs under nice, with -j2.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
work=${WORK:-/tmp/dmactor-rv-kernel}
py=/usr/bin/python3
out=${1:-/dev/stdout}
rm -rf "$work" && mkdir -p "$work"
summary="$work/summary.txt"
say() { echo "$*" >>"$summary"; }
: >"$summary"

dmactor() { (cd "$here" && npx tsx src/cli/main.ts "$@"); }

say "# dmactor rv against the kernel's tools ($(date -u +%Y-%m-%d))"
say "# packages: $(dpkg-query -W -f='${Package} ${Version}, ' linux-source-6.1 python3-lark gcc-12 2>/dev/null)"
tar -C "$work" -xf /usr/src/linux-source-6.1.tar.xz
tree="$work/linux-source-6.1"

dmactor rv --out "$work/monitors" >"$work/rv.log"
dmactor rv --tracepoints "$work/tp" --kernel "$tree" >>"$work/rv.log"
grep '^skipped' "$work/rv.log" | sed 's/^/rv: /' >>"$summary" || true
say "tracepoint header sha256 $(sha256sum "$work/tp/include/trace/events/dmaengine.h" | cut -d' ' -f1)"
say "tracepoint patch sha256 $(sha256sum "$work/tp/dmaengine-tracepoints.patch" | cut -d' ' -f1)"

# G3: the current rvgen's parser and C generator.
if [ -n "${RVGEN:-}" ]; then
  PYTHONPATH="$RVGEN" "$py" - "$here/docs/rv" "$work/monitors" >>"$summary" <<'PY'
import os, sys
from rvgen.dot2c import Dot2c
from rvgen.automata import AutomataError
docs, monitors = sys.argv[1], sys.argv[2]
for f in sorted(os.listdir(docs)):
    name = f[:-4]
    try:
        d = Dot2c(os.path.join(docs, f))
    except AutomataError as e:
        print(f"G3 {name}: REJECTED {str(e).splitlines()[0]}")
        continue
    start = [e for e in d.events if d.is_start_event(e)]
    run = [e for e in d.events if d.is_start_run_event(e)]
    line = f"G3 {name}: parsed; start {','.join(start) or '-'}; start_run {','.join(run) or '-'}"
    ours = os.path.join(monitors, name, name + ".h")
    if os.path.exists(ours):
        # dot2k.fill_model_h: the header lines, then dot2c's model with the names suffixed.
        d.enum_suffix = f"_{name}"
        d.enum_states_def = f"states_{name}"
        d.enum_events_def = f"events_{name}"
        d.struct_automaton_def = f"automaton_{name}"
        d.var_automaton_def = f"automaton_{name}"
        buff = ["/* SPDX-License-Identifier: GPL-2.0 */", "/*",
                f" * Automatically generated C representation of {name} automaton",
                " * For further information about this format, see kernel documentation:",
                " *   Documentation/trace/rv/deterministic_automata.rst", " */", "",
                f"#define MONITOR_NAME {name}", ""] + d.format_model()
        same = open(ours).read() == "\n".join(buff)
        line += "; header " + ("identical" if same else "DIFFERS")
    print(line)
PY
else
  say "G3: skipped (set RVGEN to a current tools/verification/rvgen)"
fi

# G0: Linux 6.1's dot2k, run where it finds its templates.
g0="$work/g0" && mkdir -p "$g0/dot2k"
ln -s "$tree/tools/verification/dot2/dot2k_templates" "$g0/dot2k/rv_templates"
for dot in "$here"/docs/rv/*.dot; do
  name=$(basename "$dot" .dot)
  if (cd "$g0" && PYTHONPATH="$tree/tools/verification" "$py" "$tree/tools/verification/dot2/dot2k" -d "$dot" -t per_task >/dev/null 2>&1); then
    say "G0 $name: accepted"
  else
    say "G0 $name: REJECTED"
  fi
done

# 6.1: apply the patch and the header, add the monitors, build with W=1.
cd "$tree"
if patch -p1 --quiet <"$work/tp/dmaengine-tracepoints.patch"; then say "6.1 patch: applied"; else say "6.1 patch: FAILED"; fi
cp -r "$work/tp/include/." include/
rvh=include/trace/events/rv.h
for dir in "$work"/monitors/*/; do
  name=$(basename "$dir")
  mkdir -p "kernel/trace/rv/monitors/$name"
  skel="$g0/$name/$name.c"
  # 6.1's per-task skeleton, its placeholders filled: no tracepoint of 6.1's kind to attach to.
  sed -e 's|(void \*data, /\* XXX: fill header \*/)|(void *data)|' \
      -e 's|^static void handle_|static void __maybe_unused handle_|' \
      -e 's|/\* XXX: how do I get p? \*/|current|' \
      -e '/rv_attach_trace_probe\|rv_detach_trace_probe/d' "$skel" >"kernel/trace/rv/monitors/$name/$name.c"
  cp "$dir/$name.h" "$dir/Kconfig" "kernel/trace/rv/monitors/$name/"
  sed -i "/^config RV_REACTORS/i source \"kernel/trace/rv/monitors/$name/Kconfig\"\n" kernel/trace/rv/Kconfig
  grep '^obj-' "$work/monitors/kernel-lines.txt" | grep "/$name/" >>kernel/trace/rv/Makefile
  # 6.1 keeps the DEFINE_EVENTs in include/trace/events/rv.h, not rv_trace.h.
  sed -n '/^#ifdef/,$p' "$dir/${name}_trace.h" >"$work/snippet.h"
  sed -i "/^#endif \/\* CONFIG_DA_MON_EVENTS_ID \*\//e cat $work/snippet.h" "$rvh"
done
make -s x86_64_defconfig
scripts/config --enable FTRACE --enable FUNCTION_TRACER --enable RV --enable RV_REACTORS \
  --enable DMADEVICES --enable DMA_ENGINE --module AMD_PTDMA --module DMATEST
for dir in "$work"/monitors/*/; do scripts/config --enable "RV_MON_$(basename "$dir" | tr a-z A-Z)"; done
make -s olddefconfig
for dir in "$work"/monitors/*/; do
  n=$(basename "$dir" | tr a-z A-Z)
  grep -q "^CONFIG_RV_MON_$n=y" .config || say "6.1 config: RV_MON_$n NOT ENABLED"
done
grep -q '^CONFIG_AMD_PTDMA=m' .config && grep -q '^CONFIG_DMA_VIRTUAL_CHANNELS=m' .config \
  && say "6.1 config: ptdma and virt-dma as modules"
nice -n 19 make -k -j2 W=1 drivers/dma/ kernel/trace/rv/ >"$work/build.log" 2>&1 && rc=0 || rc=$?
say "6.1 build: make -k -j2 W=1 drivers/dma/ kernel/trace/rv/ exited $rc"
for o in drivers/dma/dmaengine.o drivers/dma/virt-dma.o drivers/dma/ptdma/ptdma-dmaengine.o drivers/dma/dmatest.o; do
  if [ -f "$o" ]; then say "6.1 built $o"; else say "6.1 NOT BUILT $o"; fi
done
for dir in "$work"/monitors/*/; do
  name=$(basename "$dir")
  o="kernel/trace/rv/monitors/$name/$name.o"
  if [ -f "$o" ]; then say "6.1 built $o"; else say "6.1 NOT BUILT $o"; fi
done
say "6.1 warnings: $(grep -c 'warning:' "$work/build.log" || true)"
say "6.1 errors: $(grep -c 'error:' "$work/build.log" || true)"
grep -E 'warning:|error:' "$work/build.log" | sed 's|^|6.1 |' | head -40 >>"$summary" || true
cat "$summary" >"$out"
