import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { machineSpecs } from '../../machines/index.js';
import { rv } from '../../src/cli/rv.js';
import { chartOf } from '../../src/diagrams/chart.js';
import type { RvAutomaton } from '../../src/diagrams/rv.js';
import { CREATED_BY, rvAutomataOf } from '../../src/diagrams/rv.js';
import { rvModelHeader } from '../../src/diagrams/rv-model-h.js';
import { HANDLER_LOCALS, rvContainer, rvKernelLines, rvMonitor } from '../../src/diagrams/rv-monitor.js';
import { omittable } from '../../src/diagrams/rv-simulation.js';
import { dmaengineTraceHeader } from '../../src/diagrams/rv-tracepoint-header.js';
import { tracepointEdits } from '../../src/diagrams/rv-tracepoint-patch.js';
import { UsageError } from '../../src/rules/usage-error.js';
import { dmaTracepoints } from '../../src/rv/tracepoints.js';

const all = machineSpecs.flatMap((s) => rvAutomataOf(chartOf(s)));
const find = (name: string): RvAutomaton => {
  const a = all.find((x) => x.name === name);
  if (!a) throw new Error(name);
  return a;
};

describe('the model header', () => {
  it("is rvgen's golden da_perobj_parent.h byte for byte, from the same automaton", () => {
    // tools/verification/rvgen/tests/specs/test_da2.dot, as rvgen's own test names it.
    const a: RvAutomaton = {
      name: 'da_perobj_parent',
      machine: 'test',
      region: 'test',
      initial: 'state_a',
      states: ['state_a', 'state_b', 'state_c'],
      finals: [],
      events: ['event_1', 'event_2', 'event_3'],
      edges: [
        { from: 'state_a', to: 'state_b', events: ['event_1'] },
        { from: 'state_a', to: 'state_c', events: ['event_2'] },
        { from: 'state_b', to: 'state_a', events: ['event_2'] },
        { from: 'state_b', to: 'state_c', events: ['event_3'] },
      ],
      members: {},
    };
    expect(rvModelHeader(a)).toBe(
      readFileSync(join(__dirname, '../fixtures/rvgen/da_perobj_parent.h'), 'utf8'),
    );
  });

  it('puts a row that fits in 100 columns on one line, right-aligned as rvgen does', () => {
    const a: RvAutomaton = {
      name: 'm',
      machine: 'test',
      region: 'test',
      initial: 'a',
      states: ['a', 'b'],
      finals: ['b'],
      events: ['x', 'y'],
      edges: [
        { from: 'a', to: 'b', events: ['x'] },
        { from: 'b', to: 'a', events: ['y'] },
      ],
      members: {},
    };
    const h = rvModelHeader(a);
    expect(h).toContain(
      `\t\t{ ${' '.repeat(12)}b_m,   INVALID_STATE },\n\t\t{   INVALID_STATE, ${' '.repeat(12)}a_m },`,
    );
    expect(h).toContain('.final_states = { 0, 1 },');
  });
});

describe('the monitors', () => {
  it('are written for the automata every event of which is traced or safely left out', () => {
    const made = all.filter((a) => rvMonitor(a).ok).map((a) => a.name);
    expect(made).toContain('channel_allocated_activity');
    expect(made).toContain('descriptor_live_ack');
    expect(made).not.toContain('descriptor_live_life'); // no tracepoint marks start: vchan_next_desc only peeks
    expect(made).toContain('tasklet_run');
    expect(made).not.toContain('hardware_channel_engine');
    expect(made).not.toContain('virtual_channel_submitted'); // one state: checks nothing
    const enable = rvMonitor(find('tasklet_enable'));
    expect(enable.ok ? '' : enable.why).toContain('tasklet_disable');
  });

  it('leave out drained only because busy accepts everything idle does', () => {
    const activity = find('channel_allocated_activity');
    expect(omittable(activity, 'drained')).toBe(true);
    expect(omittable(activity, 'sync')).toBe(false); // terminating -> idle: idle takes issue, terminating does not
  });

  it('start on request and prep, destroy on release and free, with real prototypes', () => {
    const r = rvMonitor(find('channel_allocated_activity'));
    const c = r.ok ? (r.monitor.files.get('channel_allocated_activity.c') ?? '') : '';
    expect(c).toContain('typedef struct dma_chan *monitor_target;');
    expect(c).toContain('static void handle_dmaengine_request_chan(void *data, struct dma_chan *chan)');
    expect(c).toContain('\tda_handle_start_run_event(id, t, request_channel_allocated_activity);');
    expect(c).toMatch(
      /da_handle_event\(id, t, release_channel_allocated_activity\);\n\tda_destroy_storage\(id\);/,
    );
    expect(c).toContain('/* dma_async_issue_pending() (include/linux/dmaengine.h)');
    expect(c).toContain(
      'rv_attach_trace_probe("channel_allocated_activity", dmaengine_issue_pending, handle_dmaengine_issue_pending);',
    );
    const d = rvMonitor(find('descriptor_live_ack'));
    const dc = d.ok ? (d.monitor.files.get('descriptor_live_ack.c') ?? '') : '';
    expect(dc).toContain('typedef struct dma_async_tx_descriptor *monitor_target;');
    expect(dc).toContain(
      'static void handle_dmaengine_desc_ack(void *data, struct dma_async_tx_descriptor *tx, dma_cookie_t cookie)',
    );
    expect(dc).toMatch(
      /if \(flags & DMA_PREP_REPEAT\)\n\t\tda_handle_start_run_event\(id, t, prep_repeat_descriptor_live_ack\);/,
    );
    const k = d.ok ? (d.monitor.files.get('Kconfig') ?? '') : '';
    expect(k).toContain(
      'config RV_MON_DESCRIPTOR_LIVE_ACK\n\tdepends on RV\n\tdepends on RV_MON_DMAENGINE\n\tdefault y\n\tselect DA_MON_EVENTS_ID',
    );
  });

  it('name no probe parameter after a local the handler declares (t, id), so each compiles', () => {
    // Linux 7.3 W=1: tasklet_run.c: error: 't' redeclared as different kind of symbol, from
    // `handle_vchan_tasklet_setup(void *data, struct tasklet_struct *t)` declaring `monitor_target t = t;`.
    const r = rvMonitor(find('tasklet_run'));
    const c = r.ok ? (r.monitor.files.get('tasklet_run.c') ?? '') : '';
    expect(c).toContain(
      'static void handle_vchan_tasklet_setup(void *data, struct tasklet_struct *tasklet)\n{\n\tmonitor_target t = tasklet;\n\tlong id = (long)t;',
    );
    const header = dmaengineTraceHeader();
    let handlers = 0;
    for (const a of all) {
      const m = rvMonitor(a);
      if (!m.ok) continue;
      const text = m.monitor.files.get(`${a.name}.c`) ?? '';
      for (const [, tp, params, body] of text.matchAll(
        /^static void handle_([a-z_]+)\(void \*data, ([^)]*)\)\n\{\n([\s\S]*?)\n\}$/gm,
      )) {
        handlers++;
        const names = (params ?? '').split(', ').map((p) => p.split(/[ *]+/).at(-1));
        const locals = [...(body ?? '').matchAll(/^\t[a-z_ ]+?\**([a-z_]+) = /gm)].map((x) => x[1]);
        expect(locals, `${a.name} ${tp}`).toEqual(['t', 'id']);
        for (const n of names) expect(HANDLER_LOCALS.has(n ?? ''), `${a.name} ${tp}: ${n}`).toBe(false);
        // The probe takes the tracepoint's types, in its order.
        const proto = header.match(new RegExp(`TRACE_EVENT\\(${tp},\\n\\tTP_PROTO\\(([^)]*)\\)`))?.[1] ?? '';
        const types = (s: string) => s.split(', ').map((p) => p.replace(/[a-z_]+$/, '').trim());
        expect(types(params ?? ''), `${a.name} ${tp}`).toEqual(types(proto));
      }
    }
    expect(handlers).toBeGreaterThan(30);
  });

  it('reset the monitor an earlier object at the same address left, on prep, init and setup only', () => {
    const text = (name: string): string => {
      const r = rvMonitor(find(name));
      return r.ok ? (r.monitor.files.get(`${name}.c`) ?? '') : '';
    };
    // A recycled descriptor (no free traced) is prepared again in the state its last use left.
    expect(text('descriptor_live_ack')).toContain(
      '\tda_reset(id, t);\n\tda_handle_start_run_event(id, t, prep_descriptor_live_ack);',
    );
    expect(text('descriptor_live_ack')).toContain(
      '\tda_reset(id, t);\n\tif (flags & DMA_PREP_REPEAT)\n\t\tda_handle_start_run_event(id, t, prep_repeat_descriptor_live_ack);',
    );
    expect(text('tasklet_run')).toContain(
      '\tda_reset(id, t);\n\tda_handle_start_run_event(id, t, setup_tasklet_run);',
    );
    expect(text('virtual_channel_allocated')).toContain(
      '\tda_reset(id, t);\n\tda_handle_start_run_event(id, t, init_virtual_channel_allocated);',
    );
    // release destroyed a channel's monitor: a request of a channel already held is reported.
    expect(text('channel_lifecycle')).toContain(
      '\tlong id = (long)t;\n\n\tda_handle_start_run_event(id, t, request_channel_lifecycle);',
    );
    for (const a of all) {
      for (const [body] of text(a.name).matchAll(/^static void handle_[\s\S]*?^\}$/gm)) {
        for (const [, event] of (body ?? '').matchAll(
          /da_handle_start_run_event\(id, t, ([a-z_]+?)_[a-z_]+\);/g,
        ))
          expect((body ?? '').includes('\tda_reset(id, t);\n'), `${a.name}: ${event}`).toBe(
            event !== 'request',
          );
      }
    }
  });

  it("keep the section comments of rvgen's per_obj main.c, in its order", () => {
    const r = rvMonitor(find('channel_lifecycle'));
    const c = r.ok ? (r.monitor.files.get('channel_lifecycle.c') ?? '') : '';
    const sections = [
      '#define MODULE_NAME "channel_lifecycle"',
      '#include <rv_trace.h>',
      ' * This is the self-generated part of the monitor. Generally, there is no need\n * to touch this section.',
      '#define RV_MON_TYPE RV_MON_PER_OBJ',
      '#include "channel_lifecycle.h"\n#include <rv/da_monitor.h>',
      ' * This is the instrumentation part of the monitor.',
      'static int enable_channel_lifecycle(void)\n{\n\tint retval;\n\n\tretval = da_monitor_init();',
      'static void disable_channel_lifecycle(void)\n{\n\trv_this.enabled = 0;',
      '\tda_monitor_destroy();\n}',
      ' * This is the monitor register section.\n */\nstatic struct rv_monitor rv_this = {',
      '\t.reset = da_monitor_reset_all,',
      'module_init(register_channel_lifecycle);',
    ];
    let at = 0;
    for (const s of sections) {
      const i = c.indexOf(s, at);
      expect(i, s).toBeGreaterThanOrEqual(at);
      at = i + s.length;
    }
    expect(c).not.toContain('XXX');
  });

  it('attach only to tracepoints the header declares', () => {
    const header = dmaengineTraceHeader();
    for (const a of all) {
      const r = rvMonitor(a);
      if (!r.ok) continue;
      const c = r.monitor.files.get(`${a.name}.c`) ?? '';
      for (const [, tp] of c.matchAll(/rv_attach_trace_probe\("[a-z_]+", ([a-z_]+),/g))
        expect(header, `${a.name}: ${tp}`).toContain(`TRACE_EVENT(${tp},`);
    }
    expect(header.match(/^TRACE_EVENT\(/gm)?.length).toBe(dmaTracepoints.length);
  });
});

describe('the container', () => {
  it("is rvgen's container, filled, and every monitor nests in it as rvgen -p writes", () => {
    const box = rvContainer();
    expect(box.name).toBe('dmaengine');
    expect([...box.files.keys()].sort()).toEqual(['Kconfig', 'dmaengine.c', 'dmaengine.h']);
    // rvgen container -n dmaengine writes this header byte for byte.
    expect(box.files.get('dmaengine.h')).toBe(
      '/* SPDX-License-Identifier: GPL-2.0 */\n\nextern struct rv_monitor rv_dmaengine;\n',
    );
    const c = box.files.get('dmaengine.c') ?? '';
    expect(c).toContain(
      '#include "dmaengine.h"\n\nstruct rv_monitor rv_dmaengine = {\n\t.name = "dmaengine",',
    );
    expect(c).toContain('\t.enable = NULL,\n\t.disable = NULL,\n\t.reset = NULL,\n\t.enabled = 0,\n};');
    expect(c).toContain('\treturn rv_register_monitor(&rv_dmaengine, NULL);');
    expect(box.files.get('Kconfig')).toContain(
      'config RV_MON_DMAENGINE\n\tdepends on RV\n\tdepends on DMA_ENGINE\n',
    );
    expect(box.rvTrace).toBeNull();
    for (const a of all) {
      const r = rvMonitor(a);
      if (!r.ok) continue;
      const mc = r.monitor.files.get(`${a.name}.c`) ?? '';
      expect(mc, a.name).toContain('#include <rv_trace.h>\n#include <monitors/dmaengine/dmaengine.h>\n');
      expect(mc, a.name).toContain('\treturn rv_register_monitor(&rv_this, &rv_dmaengine);');
      expect(r.monitor.files.get('Kconfig'), a.name).toContain(
        '\tdepends on RV\n\tdepends on RV_MON_DMAENGINE\n\tdefault y\n\tselect DA_MON_EVENTS_ID\n',
      );
    }
  });

  it('comes first in the kernel lines, with the marker for monitors nested later', () => {
    const made = all.flatMap((a) => {
      const r = rvMonitor(a);
      return r.ok ? [r.monitor] : [];
    });
    const lines = rvKernelLines(rvContainer(), made).split('\n');
    const at = (l: string): number => lines.indexOf(l);
    expect(at('source "kernel/trace/rv/monitors/dmaengine/Kconfig"')).toBe(1);
    expect(at('# Add new dmaengine monitors here')).toBe(made.length + 2);
    expect(at('obj-$(CONFIG_RV_MON_DMAENGINE) += monitors/dmaengine/dmaengine.o')).toBe(made.length + 5);
    expect(lines.filter((l) => l.includes('monitors/dmaengine/dmaengine_trace.h'))).toEqual([]);
  });
});

describe('dmactor rv', () => {
  it('writes the folders and the kernel lines, and refuses an automaton it cannot monitor', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dmactor-rv-'));
    const lines: string[] = [];
    expect(
      rv({
        names: ['channel_lifecycle'],
        out: dir,
        tracepoints: dir,
        kernel: null,
        write: (l) => lines.push(l),
      }),
    ).toBe(0);
    expect(readdirSync(join(dir, 'dmaengine')).sort()).toEqual(['Kconfig', 'dmaengine.c', 'dmaengine.h']);
    expect(readdirSync(join(dir, 'channel_lifecycle')).sort()).toEqual([
      'Kconfig',
      'channel_lifecycle.c',
      'channel_lifecycle.h',
      'channel_lifecycle_trace.h',
    ]);
    expect(readFileSync(join(dir, 'kernel-lines.txt'), 'utf8')).toContain(
      'obj-$(CONFIG_RV_MON_CHANNEL_LIFECYCLE) += monitors/channel_lifecycle/channel_lifecycle.o',
    );
    expect(readFileSync(join(dir, 'include/trace/events/dmaengine.h'), 'utf8')).toBe(dmaengineTraceHeader());
    expect(() =>
      rv({ names: ['tasklet_enable'], out: dir, tracepoints: null, kernel: null, write: () => {} }),
    ).toThrow(UsageError);
    expect(() => rv({ names: ['nope'], out: dir, tracepoints: null, kernel: null, write: () => {} })).toThrow(
      'unknown automaton',
    );
    expect(() => rv({ names: [], out: null, tracepoints: null, kernel: null, write: () => {} })).toThrow(
      'rv needs --out',
    );
  });
});

describe('the tracepoint list', () => {
  it('names only chart events that exist, or the RV creation events', () => {
    for (const tp of dmaTracepoints) {
      for (const e of tp.events) {
        const spec = machineSpecs.find((s) => s.name === e.machine);
        expect(spec, `${tp.name}: ${e.machine}`).toBeDefined();
        const events = new Set(chartOf(spec ?? machineSpecs[0]!).transitions.map((t) => t.event));
        const creation = CREATED_BY[e.machine]?.toUpperCase();
        expect(events.has(e.event) || e.event === creation, `${tp.name}: ${e.machine}.${e.event}`).toBe(true);
      }
    }
    expect(new Set(dmaTracepoints.map((t) => t.name)).size).toBe(dmaTracepoints.length);
  });

  it('is placed by the patch, every tracepoint at least once', () => {
    const placed = tracepointEdits()
      .map((e) => e.replace)
      .join('\n');
    for (const tp of dmaTracepoints) {
      const called = [
        `trace_${tp.name}(`,
        `DMAENGINE_TRACE(${tp.name},`,
        `DMAENGINE_TRACE_PREP(${tp.name},`,
        `DMAENGINE_TRACE_OK(${tp.name},`,
        `dmaengine_do_trace_${tp.name}(&`,
      ];
      expect(
        called.some((c) => placed.includes(c)),
        tp.name,
      ).toBe(true);
    }
  });
});
