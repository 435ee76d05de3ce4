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
#   NEW a newer tree, one whose include/rv/da_monitor.h has per-object monitors (NEWTREE=, a
#       kernel source .deb such as Debian's linux-source-7.3, its .tar.xz, or a directory): its
#       version and where it came from; its own rvgen (`rvgen monitor -c da -t per_obj`) run
#       on every monitor's DOT and compared with what dmactor writes (model header and trace
#       snippet byte for byte; every line of rvgen's main.c and Kconfig skeleton that is not a
#       placeholder kept, in order; the events each handles); then, in that tree, the patch,
#       the header, every monitor folder and its Kconfig, Makefile and rv_trace.h lines added
#       as docs/rv.md says, and `make -k -j2 W=1 kernel/trace/rv/ drivers/dma/`: per monitor
#       `built, 0 warnings` or the compiler's first error or warning, and the sha256 of the .c
#       that was built. NEWTREE_LINK=1 also links vmlinux (long) and the modules (modpost).
#
# Packages: python3-lark linux-source-6.1 gcc make bc flex bison libelf-dev libssl-dev.
# The newer tree's rvgen needs Python 3.12 or later (RVGEN_PY=, default python3; the lark of
# python3-lark is put on its path).
# Usage: RVGEN=/path scripts/verify-rv-kernel.sh [OUT]  (OUT: the summary, default stdout)
#        NEWTREE=/path/linux-source-7.3_*.deb ONLY_NEW=1 scripts/verify-rv-kernel.sh OUT
#        (ONLY_NEW=1: just the NEW step, without G3, G0 and 6.1.)
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
# The monitor folders dmactor wrote (each has a trace snippet), without the container.
monitors_of() { for d in "$work"/monitors/*/; do n=$(basename "$d"); if [ -f "$d/${n}_trace.h" ]; then echo "$n"; fi; done; }
container=dmaengine

# NEW: a tree with per-object monitors. Its lines start with its `make kernelversion`.
new_tree_step() {
  local nw="$work/new" src="$NEWTREE" tree v rvpy name o first count rc f
  mkdir -p "$nw"
  case "$src" in
    *.deb)
      say "new tree: $(dpkg-deb -f "$src" Package) $(dpkg-deb -f "$src" Version) ($(basename "$src"), sha256 $(sha256sum "$src" | cut -d' ' -f1))"
      dpkg-deb --fsys-tarfile "$src" | tar -x -C "$nw" --wildcards './usr/src/linux-source-*.tar.xz'
      tar -C "$nw" -xf "$nw"/usr/src/linux-source-*.tar.xz
      tree=$(echo "$nw"/linux-source-*) ;;
    *.tar.*)
      say "new tree: $(basename "$src") (sha256 $(sha256sum "$src" | cut -d' ' -f1))"
      mkdir -p "$nw/tree" && tar -C "$nw/tree" -xf "$src" --strip-components=1
      tree="$nw/tree" ;;
    *)
      if git -C "$src" rev-parse HEAD >/dev/null 2>&1; then
        say "new tree: git commit $(git -C "$src" rev-parse HEAD)"
      else
        say "new tree: directory $src"
      fi
      mkdir -p "$nw/tree" && cp -a "$src/." "$nw/tree/"
      tree="$nw/tree" ;;
  esac
  v=$(make -s -C "$tree" kernelversion)
  say "$v kernelversion: $v"
  if ! grep -q 'RV_MON_TYPE == RV_MON_PER_OBJ' "$tree/include/rv/da_monitor.h" 2>/dev/null; then
    say "$v da_monitor.h: NO per-object monitors (RV_MON_PER_OBJ); nothing built"
    return 0
  fi
  say "$v da_monitor.h: has per-object monitors (RV_MON_PER_OBJ)"
  say "$v gcc: $(gcc -dumpfullversion)"

  # Its own rvgen, on each monitor's DOT.
  rvpy=${RVGEN_PY:-python3}
  mkdir -p "$nw/rvgen"
  rvgen() { (cd "$nw/rvgen" && PYTHONPATH="/usr/lib/python3/dist-packages${PYTHONPATH:+:$PYTHONPATH}" \
    "$rvpy" "$tree/tools/verification/rvgen/__main__.py" "$@"); }
  say "$v rvgen python: $("$rvpy" --version 2>&1)"
  rvgen container -n "$container" >"$nw/rvgen/$container.log" 2>&1 \
    || say "$v rvgen $container: FAILED $(tail -1 "$nw/rvgen/$container.log")"
  for name in $(monitors_of); do
    rvgen monitor -c da -s "$here/docs/rv/$name.dot" -t per_obj -p "$container" >"$nw/rvgen/$name.log" 2>&1 \
      || say "$v rvgen $name: FAILED $(tail -1 "$nw/rvgen/$name.log")"
  done
  "$py" - "$nw/rvgen" "$work/monitors" "$v" "$container" >>"$summary" <<'PY'
import os, re, sys
gen, ours, v, container = sys.argv[1:5]

def skeleton(text):
    """rvgen's lines that are not a placeholder: what a filled-in monitor keeps."""
    out, skip, block = [], False, []
    for line in text.split("\n"):
        if block or line == "/*":
            block.append(line)  # a comment: a placeholder whole if it says XXX
            if line == " */":
                if not any("XXX" in b for b in block):
                    out += block
                block = []
            continue
        if re.match(r"static void handle_\w+\(void \*data", line):
            skip = True  # a handler: rvgen names it after an event, the monitor after a tracepoint
        if not skip and "XXX" not in line and "auto-generated" not in line and "_trace_probe(" not in line:
            out.append(line)
        if skip and line == "}":
            skip = False
    return out

def kept(sk, text):
    """Every skeleton line is in text, in order; the first one missing otherwise."""
    lines, at = text.split("\n"), 0
    for s in sk:
        try:
            at = lines.index(s, at) + 1
        except ValueError:
            return s
    return None

def calls(text):
    return sorted(set(re.findall(r"\b(da_handle\w*)\(id, t, (\w+)\);", text)))

for name in sorted(os.listdir(ours)):
    o = os.path.join(ours, name)
    if not os.path.isdir(o):
        continue
    g = os.path.join(gen, name)
    if not os.path.isdir(g):
        print(f"{v} rvgen {name}: NO OUTPUT")
        continue
    read = lambda d, f: open(os.path.join(d, f)).read()
    if name == container:
        same = read(g, f"{name}.h") == read(o, f"{name}.h")
        parts = [f"container header {'identical' if same else 'DIFFERS'}"]
        for f, what in ((f"{name}.c", "container.c"), ("Kconfig", "Kconfig")):
            miss = kept(skeleton(read(g, f)), read(o, f))
            parts.append(f"{what} skeleton " + ("kept" if miss is None else f"NOT KEPT at {miss.strip()!r}"))
        print(f"{v} rvgen {name}: " + "; ".join(parts))
        continue
    parts = []
    for f, what in ((f"{name}.h", "model header"), (f"{name}_trace.h", "trace snippet")):
        parts.append(f"{what} " + ("identical" if read(g, f) == read(o, f) else "DIFFERS"))
    for f, what in ((f"{name}.c", "main.c"), ("Kconfig", "Kconfig")):
        miss = kept(skeleton(read(g, f)), read(o, f))
        parts.append(f"{what} skeleton " + ("kept" if miss is None else f"NOT KEPT at {miss.strip()!r}"))
    print(f"{v} rvgen {name}: " + "; ".join(parts))
    theirs, mine = calls(read(g, f"{name}.c")), calls(read(o, f"{name}.c"))
    ev = lambda cs: {e for _, e in cs}
    left = sorted(e[: -len(name) - 1] for e in ev(theirs) - ev(mine))
    untraced = re.findall(r"Not traced: ([a-z_, ]+)\.", read(o, f"{name}.c"))
    untraced = untraced[0].split(", ") if untraced else []
    handled = ("all handled" if not left else
               f"all handled but {','.join(left)} (not traced, left out)" if set(left) <= set(untraced) else
               "NOT HANDLED " + ",".join(left))
    fmt = lambda cs, k: ",".join(e[: -len(name) - 1] for f, e in cs if f == k) or "-"
    destroy = re.findall(r"da_handle_event[(]id, t, (\w+?)_" + name + r"[)];\n\tda_destroy_storage", read(o, f"{name}.c"))
    print(f"{v} rvgen {name}: events {handled}"
          f"; rvgen starts on {fmt(theirs, 'da_handle_start_event')} (start) {fmt(theirs, 'da_handle_start_run_event')} (start_run)"
          f", dmactor on {fmt(mine, 'da_handle_start_event')} (start) {fmt(mine, 'da_handle_start_run_event')} (start_run)"
          f"; dmactor destroys on {','.join(destroy) or '-'}")
PY

  # The tracepoints, made against this tree; the monitors dropped in as docs/rv.md says.
  dmactor rv --tracepoints "$nw/tp" --kernel "$tree" >>"$work/rv.log"
  say "$v tracepoint header sha256 $(sha256sum "$nw/tp/include/trace/events/dmaengine.h" | cut -d' ' -f1)"
  say "$v tracepoint patch sha256 $(sha256sum "$nw/tp/dmaengine-tracepoints.patch" | cut -d' ' -f1)"
  cd "$tree"
  if patch -p1 --quiet <"$nw/tp/dmaengine-tracepoints.patch"; then say "$v patch: applied"; else say "$v patch: FAILED"; fi
  cp -r "$nw/tp/include/." include/
  local lines="$work/monitors/kernel-lines.txt"
  grep -E '^(source |# Add new )' "$lines" >"$nw/kconfig.lines"
  grep '^obj-' "$lines" >"$nw/makefile.lines"
  grep '^#include ' "$lines" >"$nw/rvtrace.lines"
  for marker in 'Kconfig:^# Add new monitors here' 'Makefile:^# Add new monitors here' \
                'rv_trace.h:^// Add new monitors based on CONFIG_DA_MON_EVENTS_ID here'; do
    grep -q "${marker#*:}" "kernel/trace/rv/${marker%%:*}" || say "$v ${marker%%:*}: NO MARKER ${marker#*:}"
  done
  sed -i "/^# Add new monitors here/e cat $nw/kconfig.lines" kernel/trace/rv/Kconfig
  sed -i "/^# Add new monitors here/e cat $nw/makefile.lines" kernel/trace/rv/Makefile
  sed -i "/^\/\/ Add new monitors based on CONFIG_DA_MON_EVENTS_ID here/e cat $nw/rvtrace.lines" kernel/trace/rv/rv_trace.h
  for name in "$container" $(monitors_of); do
    cp -r "$work/monitors/$name" "kernel/trace/rv/monitors/$name"
    for f in $(cd "$work/monitors/$name" && ls); do
      say "$v sha256 $name/$f $(sha256sum "$work/monitors/$name/$f" | cut -d' ' -f1)"
    done
  done
  say "$v sha256 kernel-lines.txt $(sha256sum "$lines" | cut -d' ' -f1)"
  make -s x86_64_defconfig
  scripts/config --enable FTRACE --enable FUNCTION_TRACER --enable RV --enable RV_REACTORS \
    --enable DMADEVICES --enable DMA_ENGINE --module AMD_PTDMA --module DMATEST
  for name in "$container" $(monitors_of); do scripts/config --enable "RV_MON_${name^^}"; done
  make -s olddefconfig
  for name in "$container" $(monitors_of); do
    grep -q "^CONFIG_RV_MON_${name^^}=y" .config || say "$v config: RV_MON_${name^^} NOT ENABLED"
  done
  say "$v config: $(grep -E '^CONFIG_(DMA_ENGINE|DMA_VIRTUAL_CHANNELS|AMD_PTDMA|DMATEST|RV|DA_MON_EVENTS_ID|WERROR)=' .config | tr '\n' ' ')"
  nice -n 19 make -k -j2 W=1 kernel/trace/rv/ drivers/dma/ >"$nw/build.log" 2>&1 && rc=0 || rc=$?
  say "$v build: make -k -j2 W=1 kernel/trace/rv/ drivers/dma/ exited $rc"
  for o in drivers/dma/dmaengine.o drivers/dma/virt-dma.o drivers/dma/amd/ptdma/ptdma-dmaengine.o drivers/dma/dmatest.o; do
    if [ -f "$o" ]; then say "$v built $o"; else say "$v NOT BUILT $o"; fi
  done
  for name in "$container" $(monitors_of); do
    o="kernel/trace/rv/monitors/$name/$name.o"
    first=$(grep -E "monitors/$name/$name\.[ch]:[0-9]+:[0-9]+: (error|warning):" "$nw/build.log" | head -1 || true)
    count=$(grep -cE "monitors/$name/[^ ]*: warning:" "$nw/build.log" || true)
    if [ -f "$o" ] && [ -z "$first" ]; then say "$v built $o, 0 warnings"
    elif [ -f "$o" ]; then say "$v built $o, $count warnings: ${first#"$tree"/}"
    else say "$v NOT BUILT $o: ${first:-no compiler message}"; fi
  done
  say "$v warnings: $(grep -c 'warning:' "$nw/build.log" || true)"
  say "$v errors: $(grep -c 'error:' "$nw/build.log" || true)"
  grep -E 'warning:|error:' "$nw/build.log" | sed "s|^|$v |" | head -40 >>"$summary" || true
  if [ -n "${NEWTREE_LINK:-}" ]; then
    nice -n 19 make -j2 vmlinux >"$nw/vmlinux.log" 2>&1 && rc=0 || rc=$?
    say "$v vmlinux: make -j2 vmlinux exited $rc; $(grep -c 'warning:' "$nw/vmlinux.log" || true) warnings in the whole kernel"
    nm vmlinux >"$nw/vmlinux.nm"
    grep -q " rv_$container\$" "$nw/vmlinux.nm" && say "$v vmlinux has rv_$container" || say "$v vmlinux LACKS rv_$container"
    for name in $(monitors_of); do
      if grep -q " enable_$name\$" "$nw/vmlinux.nm"; then say "$v vmlinux has enable_$name"; else say "$v vmlinux LACKS enable_$name"; fi
    done
    # modpost: the virt-dma driver and dmatest resolve the exported tracepoints and helpers.
    nice -n 19 make -j2 modules >"$nw/modules.log" 2>&1 && rc=0 || rc=$?
    say "$v modules: make -j2 modules exited $rc; $(grep -cE 'WARNING: modpost|ERROR: modpost' "$nw/modules.log" || true) modpost complaints"
    for ko in drivers/dma/amd/ptdma/ptdma.ko drivers/dma/dmatest.ko; do
      if [ -f "$ko" ]; then say "$v linked $ko"; else say "$v NOT LINKED $ko"; fi
    done
    grep -E 'modpost' "$nw/modules.log" | sed "s|^|$v |" | head -20 >>"$summary" || true
  fi
  cd "$here"
}

say "# dmactor rv against the kernel's tools ($(date -u +%Y-%m-%d))"
say "# packages: $(dpkg-query -W -f='${Package} ${Version}, ' linux-source-6.1 python3-lark gcc-12 2>/dev/null)"

dmactor rv --out "$work/monitors" >"$work/rv.log"
grep '^skipped' "$work/rv.log" | sed 's/^/rv: /' >>"$summary" || true

if [ -n "${NEWTREE:-}" ]; then
  new_tree_step
fi
if [ -n "${ONLY_NEW:-}" ]; then
  cat "$summary" >"$out"
  exit 0
fi

tar -C "$work" -xf /usr/src/linux-source-6.1.tar.xz
tree="$work/linux-source-6.1"
dmactor rv --tracepoints "$work/tp" --kernel "$tree" >>"$work/rv.log"
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
for name in $(monitors_of); do
  dir="$work/monitors/$name"
  mkdir -p "kernel/trace/rv/monitors/$name"
  skel="$g0/$name/$name.c"
  # 6.1's per-task skeleton, its placeholders filled: no tracepoint of 6.1's kind to attach to.
  sed -e 's|(void \*data, /\* XXX: fill header \*/)|(void *data)|' \
      -e 's|^static void handle_|static void __maybe_unused handle_|' \
      -e 's|/\* XXX: how do I get p? \*/|current|' \
      -e '/rv_attach_trace_probe\|rv_detach_trace_probe/d' "$skel" >"kernel/trace/rv/monitors/$name/$name.c"
  cp "$dir/$name.h" "kernel/trace/rv/monitors/$name/"
  # 6.1 has no containers (rv_register_monitor takes no parent): the monitor stands alone.
  sed -e "/depends on RV_MON_${container^^}/d" -e '/^\tdefault y$/d' "$dir/Kconfig" >"kernel/trace/rv/monitors/$name/Kconfig"
  sed -i "/^config RV_REACTORS/i source \"kernel/trace/rv/monitors/$name/Kconfig\"\n" kernel/trace/rv/Kconfig
  grep '^obj-' "$work/monitors/kernel-lines.txt" | grep "/$name/" >>kernel/trace/rv/Makefile
  # 6.1 keeps the DEFINE_EVENTs in include/trace/events/rv.h, not rv_trace.h.
  sed -n '/^#ifdef/,$p' "$dir/${name}_trace.h" >"$work/snippet.h"
  sed -i "/^#endif \/\* CONFIG_DA_MON_EVENTS_ID \*\//e cat $work/snippet.h" "$rvh"
done
make -s x86_64_defconfig
scripts/config --enable FTRACE --enable FUNCTION_TRACER --enable RV --enable RV_REACTORS \
  --enable DMADEVICES --enable DMA_ENGINE --module AMD_PTDMA --module DMATEST
for name in $(monitors_of); do scripts/config --enable "RV_MON_${name^^}"; done
make -s olddefconfig
for name in $(monitors_of); do
  grep -q "^CONFIG_RV_MON_${name^^}=y" .config || say "6.1 config: RV_MON_${name^^} NOT ENABLED"
done
grep -q '^CONFIG_AMD_PTDMA=m' .config && grep -q '^CONFIG_DMA_VIRTUAL_CHANNELS=m' .config \
  && say "6.1 config: ptdma and virt-dma as modules"
nice -n 19 make -k -j2 W=1 drivers/dma/ kernel/trace/rv/ >"$work/build.log" 2>&1 && rc=0 || rc=$?
say "6.1 build: make -k -j2 W=1 drivers/dma/ kernel/trace/rv/ exited $rc"
for o in drivers/dma/dmaengine.o drivers/dma/virt-dma.o drivers/dma/ptdma/ptdma-dmaengine.o drivers/dma/dmatest.o; do
  if [ -f "$o" ]; then say "6.1 built $o"; else say "6.1 NOT BUILT $o"; fi
done
for name in $(monitors_of); do
  o="kernel/trace/rv/monitors/$name/$name.o"
  if [ -f "$o" ]; then say "6.1 built $o"; else say "6.1 NOT BUILT $o"; fi
done
say "6.1 warnings: $(grep -c 'warning:' "$work/build.log" || true)"
say "6.1 errors: $(grep -c 'error:' "$work/build.log" || true)"
grep -E 'warning:|error:' "$work/build.log" | sed 's|^|6.1 |' | head -40 >>"$summary" || true
cat "$summary" >"$out"
