import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { machineSpecs } from '../../machines/index.js';
import { chartOf } from '../diagrams/chart.js';
import { rvAutomataOf } from '../diagrams/rv.js';
import { type RvMonitorFiles, rvContainer, rvKernelLines, rvMonitor } from '../diagrams/rv-monitor.js';
import { dmaengineTraceHeader } from '../diagrams/rv-tracepoint-header.js';
import { tracepointPatch } from '../diagrams/rv-tracepoint-patch.js';
import { UsageError } from '../rules/usage-error.js';

export interface RvCliOptions {
  /** Automata to write (all that can be monitored when empty). */
  readonly names: readonly string[];
  /** `--out DIR`: one monitor folder per automaton, and kernel-lines.txt. */
  readonly out: string | null;
  /** `--tracepoints DIR`: include/trace/events/dmaengine.h under DIR. */
  readonly tracepoints: string | null;
  /** `--kernel TREE`: with --tracepoints, also write the patch placing the calls, made against TREE. */
  readonly kernel: string | null;
  readonly write: (line: string) => void;
}

/** `dmactor rv [AUTOMATON...] --out DIR` and `dmactor rv --tracepoints DIR`. */
export function rv(o: RvCliOptions): number {
  if (o.out === null && o.tracepoints === null)
    throw new UsageError('rv needs --out DIR (monitor folders) or --tracepoints DIR (the tracepoint header)');
  if (o.tracepoints !== null) {
    const file = join(o.tracepoints, 'include/trace/events/dmaengine.h');
    mkdirSync(join(o.tracepoints, 'include/trace/events'), { recursive: true });
    writeFileSync(file, dmaengineTraceHeader());
    o.write(`wrote ${file}`);
    if (o.kernel !== null) {
      const tree = o.kernel;
      if (!existsSync(join(tree, 'include/linux/dmaengine.h')))
        throw new UsageError(`--kernel ${tree}: not a kernel tree (no include/linux/dmaengine.h)`);
      let patch: string;
      try {
        patch = tracepointPatch((f) => readFileSync(join(tree, f), 'utf8'));
      } catch (e) {
        throw new UsageError(
          `--kernel ${tree}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)} (the patch is made for Linux 6.1 and 7.3)`,
        );
      }
      const where = join(o.tracepoints, 'dmaengine-tracepoints.patch');
      writeFileSync(where, patch);
      o.write(`wrote ${where} (apply with: patch -p1 < ${where}, then copy include/ into the tree)`);
    }
  } else if (o.kernel !== null) {
    throw new UsageError('--kernel TREE goes with --tracepoints DIR');
  }
  if (o.out === null) return 0;
  const all = machineSpecs.flatMap((s) => rvAutomataOf(chartOf(s)));
  for (const n of o.names) {
    if (!all.some((a) => a.name === n))
      throw new UsageError(`unknown automaton "${n}" (one of: ${all.map((a) => a.name).join(', ')})`);
  }
  const chosen = o.names.length === 0 ? all : all.filter((a) => o.names.includes(a.name));
  const written: RvMonitorFiles[] = [];
  for (const a of chosen) {
    const r = rvMonitor(a);
    if (!r.ok) {
      if (o.names.length > 0) throw new UsageError(`${a.name} cannot be a kernel monitor: ${r.why}`);
      o.write(`skipped ${a.name}: ${r.why}`);
      continue;
    }
    const dir = join(o.out, r.monitor.name);
    mkdirSync(dir, { recursive: true });
    for (const [f, text] of r.monitor.files) writeFileSync(join(dir, f), text);
    written.push(r.monitor);
    o.write(`wrote ${dir}/`);
  }
  const container = rvContainer();
  const dir = join(o.out, container.name);
  mkdirSync(dir, { recursive: true });
  for (const [f, text] of container.files) writeFileSync(join(dir, f), text);
  o.write(`wrote ${dir}/ (the container the monitors nest in)`);
  const where = join(o.out, 'kernel-lines.txt');
  writeFileSync(where, rvKernelLines(container, written));
  o.write(`wrote ${where} (the Kconfig, Makefile and rv_trace.h lines)`);
  return 0;
}
