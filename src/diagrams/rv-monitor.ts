import { type DmaTracepoint, dmaTracepoints, type RvObjectKind, rvObjectType } from '../rv/tracepoints.js';
import { type RvAutomaton, rvEventName } from './rv.js';
import { rvModelHeader } from './rv-model-h.js';
import { omittable } from './rv-simulation.js';
import { tracepointProto } from './rv-tracepoint-header.js';

/**
 * A kernel RV monitor folder per automaton, as `dmactor rv --out DIR` writes it: the files
 * rvgen writes for `-c da -t per_obj` (the model header byte for byte, the trace snippet, the
 * Kconfig entry), with the monitor's `.c` filled in where rvgen leaves XXX: the target type,
 * one probe per dmaengine tracepoint (src/rv/tracepoints.ts) with its real prototype and the
 * kernel function it marks, start and destroy events chosen from the chart, and the probes
 * attached by name. An event no tracepoint marks is left out only when doing so cannot make
 * the monitor report a correct kernel (see rv-simulation.ts); otherwise there is no monitor.
 */

/** The kernel object each chart's monitors are about; the hardware chart has none. */
const OBJECT_OF: Readonly<Record<string, RvObjectKind>> = {
  channel: 'chan',
  descriptor: 'tx',
  virtualChannel: 'vchan',
  tasklet: 'tasklet',
};

/** Events a monitor starts on (the object's first event) and is destroyed on. */
const START = new Set(['request', 'prep', 'prep_cyclic', 'prep_repeat', 'init', 'setup']);
const DESTROY = new Set(['release', 'free']);
/**
 * Start events that hand over an object new at its address, whatever was there before: prep
 * returns a descriptor a provider without virt-dma may have recycled with no free traced, and
 * vchan_init and tasklet_setup run again when a driver is bound again, with nothing traced
 * destroying the old object. The monitor of an earlier object at the same address is reset
 * (da_reset) before the start, or the new object would be checked from the old one's state.
 * request is not among them: release destroys a channel's monitor, and a request of a channel
 * already held is a bug to report.
 */
const BORN = new Set(['prep', 'prep_cyclic', 'prep_repeat', 'init', 'setup']);

export interface RvMonitorFiles {
  readonly name: string;
  /** File name inside the monitor folder -> contents. */
  readonly files: ReadonlyMap<string, string>;
  /** The lines to add to kernel/trace/rv/{Kconfig,Makefile,rv_trace.h} (a container has no trace). */
  readonly kconfig: string;
  readonly makefile: string;
  readonly rvTrace: string | null;
}

/**
 * The container every monitor nests in, as the scheduler's monitors nest in `sched`: one
 * `dmaengine` entry in the RV interface enables or disables them all, and each is
 * `dmaengine:<name>` there. rvgen writes it with `rvgen container -n dmaengine`, and a nested
 * monitor with `-p dmaengine`.
 */
export const RV_CONTAINER = 'dmaengine';

/**
 * kernel-lines.txt: the lines to add to kernel/trace/rv/{Kconfig,Makefile,rv_trace.h}, in
 * order, the container's first; after the nested monitors' Kconfig lines the marker rvgen
 * gives a container, for monitors nested later.
 */
export function rvKernelLines(container: RvMonitorFiles, monitors: readonly RvMonitorFiles[]): string {
  return [
    '# kernel/trace/rv/Kconfig, where other monitors are included:',
    container.kconfig,
    ...monitors.map((m) => m.kconfig),
    `# Add new ${container.name} monitors here`,
    '',
    '# kernel/trace/rv/Makefile, where other monitors are included:',
    container.makefile,
    ...monitors.map((m) => m.makefile),
    '',
    '# kernel/trace/rv/rv_trace.h, where CONFIG_DA_MON_EVENTS_ID monitors are included:',
    ...monitors.flatMap((m) => (m.rvTrace === null ? [] : [m.rvTrace])),
    '',
  ].join('\n');
}

/** The container's folder: rvgen's container templates, filled. */
export function rvContainer(): RvMonitorFiles {
  const m = RV_CONTAINER;
  const up = m.toUpperCase();
  const what = 'dmaengine rules: the monitors dmactor writes from its statecharts';
  const c = [
    '// SPDX-License-Identifier: GPL-2.0',
    '#include <linux/kernel.h>',
    '#include <linux/module.h>',
    '#include <linux/init.h>',
    '#include <linux/rv.h>',
    '',
    `#define MODULE_NAME "${m}"`,
    '',
    `#include "${m}.h"`,
    '',
    `struct rv_monitor rv_${m} = {`,
    `\t.name = "${m}",`,
    `\t.description = "${what}",`,
    '\t.enable = NULL,',
    '\t.disable = NULL,',
    '\t.reset = NULL,',
    '\t.enabled = 0,',
    '};',
    '',
    ...moduleLines(m, `rv_${m}`, 'NULL', what),
  ].join('\n');
  const h = ['/* SPDX-License-Identifier: GPL-2.0 */', '', `extern struct rv_monitor rv_${m};`, ''].join(
    '\n',
  );
  const kconfig = [
    '# SPDX-License-Identifier: GPL-2.0-only',
    '#',
    `config RV_MON_${up}`,
    '\tdepends on RV',
    '\tdepends on DMA_ENGINE',
    `\tbool "${m} monitor"`,
    '\thelp',
    "\t  Collection of monitors checking the dmaengine rules of dmactor's statecharts.",
    '\t  Enable this to choose among them. They need the dmaengine tracepoints',
    '\t  (dmactor rv --tracepoints).',
    '',
  ].join('\n');
  return {
    name: m,
    files: new Map([
      [`${m}.c`, c],
      [`${m}.h`, h],
      ['Kconfig', kconfig],
    ]),
    kconfig: `source "kernel/trace/rv/monitors/${m}/Kconfig"`,
    makefile: `obj-$(CONFIG_RV_MON_${up}) += monitors/${m}/${m}.o`,
    rvTrace: null,
  };
}

export type RvMonitorResult =
  | { readonly ok: true; readonly monitor: RvMonitorFiles }
  | { readonly ok: false; readonly name: string; readonly why: string };

interface Probe {
  readonly tp: DmaTracepoint;
  readonly events: readonly string[];
}

/**
 * What a probe names the tracepoint's object: the tracepoint's own name (rv-tracepoint-header.ts)
 * unless that is one the handler declares, `t` and `id` as in rvgen's skeleton (a tasklet's
 * tracepoints call it `t`, which `monitor_target t = t;` would shadow).
 */
const OBJ_NAME: Readonly<Record<RvObjectKind, string>> = {
  chan: 'chan',
  tx: 'tx',
  vchan: 'vc',
  tasklet: 'tasklet',
};
/** The locals every handler declares. */
export const HANDLER_LOCALS: ReadonlySet<string> = new Set(['t', 'id']);

/** The probe's parameters: the tracepoint's prototype with the object named as OBJ_NAME says. */
function argsOf(tp: DmaTracepoint): string[] {
  const args = tracepointProto(tp, OBJ_NAME[tp.object]);
  for (const a of args) {
    const name = a.split(/[ *]+/).at(-1) ?? '';
    if (HANDLER_LOCALS.has(name))
      throw new Error(`probe of ${tp.name}: parameter ${name} is a handler local`);
  }
  return args;
}

/** The C expression of the monitored object from the tracepoint's own object. */
function targetOf(kind: RvObjectKind, tp: DmaTracepoint): string | null {
  if (tp.object === kind) return OBJ_NAME[kind];
  if (tp.object === 'tx' && kind === 'chan') return 'tx->chan';
  if (tp.object === 'tx' && kind === 'vchan') return 'to_virt_chan(tx->chan)';
  return null;
}

export function rvMonitor(a: RvAutomaton): RvMonitorResult {
  const kind = OBJECT_OF[a.machine];
  if (kind === undefined)
    return { ok: false, name: a.name, why: `the ${a.machine} chart has no kernel object` };
  if (a.states.length === 1)
    return { ok: false, name: a.name, why: 'one state accepting every event: nothing to check' };
  const eventOf = (chartEvent: string): string | undefined => {
    const name = rvEventName(chartEvent, a.machine);
    return a.events.includes(name) ? name : undefined;
  };
  const probes: Probe[] = [];
  for (const tp of dmaTracepoints) {
    const events = tp.events
      .filter((e) => e.machine === a.machine)
      .map((e) => eventOf(e.event))
      .filter((e): e is string => e !== undefined);
    if (events.length > 0 && targetOf(kind, tp) !== null) probes.push({ tp, events });
  }
  const traced = new Set(probes.flatMap((p) => p.events));
  const untraced = a.events.filter((e) => !traced.has(e));
  const unsafe = untraced.filter((e) => !omittable(a, e));
  if (unsafe.length > 0)
    return {
      ok: false,
      name: a.name,
      why: `no tracepoint marks ${unsafe.join(', ')}, and leaving it out would report correct drivers`,
    };
  const m = a.name;
  const up = m.toUpperCase();
  const handlers = probes.map((p) => handler(a, kind, p));
  const born = a.events.filter((e) => BORN.has(e) && isStart(a, e));
  const c = [
    '// SPDX-License-Identifier: GPL-2.0',
    '#include <linux/ftrace.h>',
    '#include <linux/tracepoint.h>',
    '#include <linux/kernel.h>',
    '#include <linux/module.h>',
    '#include <linux/init.h>',
    '#include <linux/rv.h>',
    '#include <rv/instrumentation.h>',
    '',
    `#define MODULE_NAME "${m}"`,
    '',
    '/*',
    ' * The dmaengine tracepoints (include/trace/events/dmaengine.h, `dmactor rv --tracepoints`)',
    ' * and the objects they pass.',
    ' */',
    '#include <linux/dmaengine.h>',
    ...(kind === 'vchan' || probes.some((p) => targetOf(kind, p.tp)?.includes('to_virt_chan'))
      ? ['#include "../../../../../drivers/dma/virt-dma.h"']
      : []),
    '#include <trace/events/dmaengine.h>',
    '#include <rv_trace.h>',
    `#include <monitors/${RV_CONTAINER}/${RV_CONTAINER}.h>`,
    '',
    '/*',
    ' * This is the self-generated part of the monitor. Generally, there is no need',
    ' * to touch this section.',
    ' */',
    '#define RV_MON_TYPE RV_MON_PER_OBJ',
    '/* The object is the id: its address, so two live objects never share a monitor. */',
    '#define da_id_type long',
    `typedef ${rvObjectType[kind]}monitor_target;`,
    `#include "${m}.h"`,
    '#include <rv/da_monitor.h>',
    '',
    '/*',
    ' * This is the instrumentation part of the monitor.',
    ' *',
    ' * This is the section where manual work is required. Here the kernel events',
    " * are translated into model's event.",
    ' *',
    ` * Filled by dmactor from ${a.region === a.machine ? 'its' : `region ${a.region} of its`} ${a.machine} statechart: one probe per`,
    ' * tracepoint, the object it passes as the target. The first event starts the monitor.',
    ...(born.length > 0
      ? [
          ` * ${born.join(', ')} ${born.length === 1 ? 'hands' : 'hand'} over an object new at its address, so the monitor`,
          ' * an earlier object there left is reset first.',
        ]
      : []),
    a.events.some((e) => DESTROY.has(e))
      ? ' * The last event destroys its storage.'
      : ' * The storage lives until the monitor is disabled.',
    ...(untraced.length > 0
      ? [
          ' *',
          ` * Not traced: ${untraced.join(', ')}. No tracepoint marks ${untraced.length === 1 ? 'it' : 'them'}; every state`,
          ' * it leaves accepts at least what its target accepts, so missing it never reports a',
          ' * correct kernel (it only checks less).',
        ]
      : []),
    ' */',
    ...handlers.flat(),
    `static int enable_${m}(void)`,
    '{',
    '\tint retval;',
    '',
    '\tretval = da_monitor_init();',
    '\tif (retval)',
    '\t\treturn retval;',
    '',
    ...probes.map((p) => `\trv_attach_trace_probe("${m}", ${p.tp.name}, handle_${p.tp.name});`),
    '',
    '\treturn 0;',
    '}',
    '',
    `static void disable_${m}(void)`,
    '{',
    '\trv_this.enabled = 0;',
    '',
    ...probes.map((p) => `\trv_detach_trace_probe("${m}", ${p.tp.name}, handle_${p.tp.name});`),
    '',
    '\tda_monitor_destroy();',
    '}',
    '',
    '/*',
    ' * This is the monitor register section.',
    ' */',
    'static struct rv_monitor rv_this = {',
    `\t.name = "${m}",`,
    `\t.description = "${description(a)}",`,
    `\t.enable = enable_${m},`,
    `\t.disable = disable_${m},`,
    '\t.reset = da_monitor_reset_all,',
    '\t.enabled = 0,',
    '};',
    '',
    ...moduleLines(m, 'rv_this', `&rv_${RV_CONTAINER}`, description(a)),
  ].join('\n');
  const trace = [
    '/* SPDX-License-Identifier: GPL-2.0 */',
    '',
    '/*',
    ' * Snippet to be included in rv_trace.h',
    ' */',
    '',
    `#ifdef CONFIG_RV_MON_${up}`,
    `DEFINE_EVENT(event_da_monitor_id, event_${m},`,
    '\t     TP_PROTO(int id, char *state, char *event, char *next_state, bool final_state),',
    '\t     TP_ARGS(id, state, event, next_state, final_state));',
    '',
    `DEFINE_EVENT(error_da_monitor_id, error_${m},`,
    '\t     TP_PROTO(int id, char *state, char *event),',
    '\t     TP_ARGS(id, state, event));',
    `#endif /* CONFIG_RV_MON_${up} */`,
    '',
  ].join('\n');
  const kconfig = [
    '# SPDX-License-Identifier: GPL-2.0-only',
    '#',
    `config RV_MON_${up}`,
    '\tdepends on RV',
    `\tdepends on RV_MON_${RV_CONTAINER.toUpperCase()}`,
    '\tdefault y',
    '\tselect DA_MON_EVENTS_ID',
    `\tbool "${m} monitor"`,
    '\thelp',
    `\t  ${description(a)}.`,
    `\t  This monitor is part of the ${RV_CONTAINER} monitors collection.`,
    '',
  ].join('\n');
  return {
    ok: true,
    monitor: {
      name: m,
      files: new Map([
        [`${m}.c`, c],
        [`${m}.h`, rvModelHeader(a)],
        [`${m}_trace.h`, trace],
        ['Kconfig', kconfig],
      ]),
      kconfig: `source "kernel/trace/rv/monitors/${m}/Kconfig"`,
      makefile: `obj-$(CONFIG_RV_MON_${up}) += monitors/${m}/${m}.o`,
      rvTrace: `#include <monitors/${m}/${m}_trace.h>`,
    },
  };
}

const description = (a: RvAutomaton): string =>
  `dmaengine ${a.machine} ${a.region === a.machine ? 'lifecycle' : a.region} rules, from the dmactor statechart`;

function handler(a: RvAutomaton, kind: RvObjectKind, p: Probe): string[] {
  const target = targetOf(kind, p.tp) ?? OBJ_NAME[kind];
  const out = [
    `/* ${p.tp.hook.fn}() (${p.tp.hook.file}), ${p.tp.hook.where}: ${p.events.join(' or ')}. */`,
    `static void handle_${p.tp.name}(void *data, ${argsOf(p.tp).join(', ')})`,
    '{',
    `\tmonitor_target t = ${target};`,
    '\tlong id = (long)t;',
    '',
  ];
  const start = (e: string): boolean => isStart(a, e);
  const call = (e: string, indent: string): string[] => {
    const lines = [
      `${indent}${start(e) ? 'da_handle_start_run_event' : 'da_handle_event'}(id, t, ${e}_${a.name});`,
    ];
    if (DESTROY.has(e)) lines.push(`${indent}da_destroy_storage(id);`);
    return lines;
  };
  const born = p.events.filter((e) => BORN.has(e) && start(e));
  if (born.length > 0 && born.length !== p.events.length)
    throw new Error(
      `${a.name}: ${p.tp.name} marks both a new object and an old one (${p.events.join(', ')})`,
    );
  if (born.length > 0) out.push('\tda_reset(id, t);');
  const [only, other] = p.events;
  if (other === undefined) out.push(...call(only ?? '', '\t'));
  else {
    // dmaengine_prep_interleaved: a repeated transfer is the one with DMA_PREP_REPEAT.
    const repeat = p.events.find((e) => e.endsWith('repeat')) ?? other;
    const plain = p.events.find((e) => e !== repeat) ?? only ?? '';
    const branch = (e: string): string[] => {
      const lines = call(e, '\t\t');
      return lines.length === 1 ? lines : ['\t{', ...lines, '\t}'];
    };
    out.push('\tif (flags & DMA_PREP_REPEAT)', ...branch(repeat), '\telse', ...branch(plain));
  }
  out.push('}', '');
  return out;
}

/** A start event: the object's first, accepted only in the initial state (rvgen's "start run" event). */
const isStart = (a: RvAutomaton, e: string): boolean => START.has(e) && e === startOf(a, e);

/** A start event must be one only the initial state accepts (rvgen's "start run" event). */
function startOf(a: RvAutomaton, e: string): string | null {
  const from = a.edges.filter((x) => x.events.includes(e)).map((x) => x.from);
  return from.length > 0 && from.every((f) => f === a.initial) ? e : null;
}

/** A monitor module's register and unregister functions and its MODULE_* lines, as rvgen writes them. */
function moduleLines(m: string, monitor: string, parent: string, what: string): string[] {
  return [
    `static int __init register_${m}(void)`,
    '{',
    `\treturn rv_register_monitor(&${monitor}, ${parent});`,
    '}',
    '',
    `static void __exit unregister_${m}(void)`,
    '{',
    `\trv_unregister_monitor(&${monitor});`,
    '}',
    '',
    `module_init(register_${m});`,
    `module_exit(unregister_${m});`,
    '',
    'MODULE_LICENSE("GPL");',
    'MODULE_AUTHOR("dmactor: generated from its statecharts");',
    `MODULE_DESCRIPTION("${m}: ${what}");`,
    '',
  ];
}
