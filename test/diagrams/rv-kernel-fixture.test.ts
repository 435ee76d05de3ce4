import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { machineSpecs } from '../../machines/index.js';
import { chartOf } from '../../src/diagrams/chart.js';
import { rvAutomataOf } from '../../src/diagrams/rv.js';
import { rvContainer, rvKernelLines, rvMonitor } from '../../src/diagrams/rv-monitor.js';
import { dmaengineTraceHeader } from '../../src/diagrams/rv-tracepoint-header.js';

/**
 * The one run of scripts/verify-rv-kernel.sh against the kernel's own tools, recorded in
 * test/fixtures/rv/kernel-6.1.txt, still speaks for what dmactor writes now: every automaton
 * and every monitor it names is today's, and each passed. A change to the export fails here
 * until the script is run again and its output recorded.
 */
const record = readFileSync(join(__dirname, '../fixtures/rv/kernel-6.1.txt'), 'utf8').split('\n');
const automata = machineSpecs.flatMap((s) => rvAutomataOf(chartOf(s)));
const monitors = automata.filter((a) => rvMonitor(a).ok).map((a) => a.name);
const docs = readdirSync(join(__dirname, '../../docs/rv')).map((f) => f.replace(/\.dot$/, ''));

describe('the recorded kernel run', () => {
  it('covers exactly the exported automata, each parsed by the current rvgen and 6.1 dot2k', () => {
    expect(docs.sort()).toEqual(automata.map((a) => a.name).sort());
    for (const name of docs) {
      expect(record.find((l) => l.startsWith(`G3 ${name}: `)) ?? '', name).toMatch(/: parsed; start /);
      expect(record, name).toContain(`G0 ${name}: accepted`);
      // rvgen found a start event (or a start-run event) in every one.
      const g3 = record.find((l) => l.startsWith(`G3 ${name}: `)) ?? '';
      expect(g3, name).not.toMatch(/start -; start_run -/);
    }
  });

  it('found rvgen writing the model header of every monitor byte for byte as dmactor does', () => {
    for (const name of monitors)
      expect(
        record.find((l) => l.startsWith(`G3 ${name}: `)),
        name,
      ).toMatch(/; header identical$/);
    expect(record.filter((l) => l.includes('header DIFFERS'))).toEqual([]);
  });

  it('built the patched drivers/dma and every monitor in-tree on 6.1 with W=1, no warning', () => {
    expect(record).toContain('6.1 patch: applied');
    expect(record).toContain('6.1 build: make -k -j2 W=1 drivers/dma/ kernel/trace/rv/ exited 0');
    for (const o of ['dmaengine', 'virt-dma', 'ptdma/ptdma-dmaengine', 'dmatest'])
      expect(record).toContain(`6.1 built drivers/dma/${o}.o`);
    for (const name of monitors)
      expect(record).toContain(`6.1 built kernel/trace/rv/monitors/${name}/${name}.o`);
    expect(record).toContain('6.1 warnings: 0');
    expect(record).toContain('6.1 errors: 0');
    expect(record.filter((l) => l.includes('NOT '))).toEqual([]);
  });

  it('was made from the tracepoint header dmactor writes now', () => {
    const sha = createHash('sha256').update(dmaengineTraceHeader()).digest('hex');
    expect(record).toContain(`tracepoint header sha256 ${sha}`);
  });
});

/**
 * The NEW step of the same script, on a tree whose da_monitor.h has per-object monitors
 * (test/fixtures/rv/kernel-7.3.txt): that tree's own rvgen agreed with what dmactor writes, and
 * the per-object `.c` of every monitor, byte for byte the one dmactor writes now, built in-tree
 * with W=1 and no warning.
 */
describe('the recorded run on a tree with per-object monitors', () => {
  const rec = readFileSync(join(__dirname, '../fixtures/rv/kernel-7.3.txt'), 'utf8').split('\n');
  const v = (rec.find((l) => / kernelversion: /.test(l)) ?? '').split(' ')[0] ?? '';
  const made = automata.flatMap((a) => {
    const r = rvMonitor(a);
    return r.ok ? [{ a, files: r.monitor.files, monitor: r.monitor }] : [];
  });

  it('is of a 7.3 tree that has the per-object API', () => {
    expect(v).toMatch(/^7\.3\.\d+$/);
    expect(rec).toContain(`${v} da_monitor.h: has per-object monitors (RV_MON_PER_OBJ)`);
    expect(rec.find((l) => l.startsWith('new tree: '))).toMatch(/^new tree: linux-source-7\.3 7\.3\.\d+/);
  });

  it("found that tree's rvgen writing our model header and trace snippet, its skeleton kept", () => {
    const named = new Set(
      rec.flatMap((l) => l.match(new RegExp(`^${v} rvgen ([a-z_]+): (model|container) header `))?.[1] ?? []),
    );
    expect([...named].sort()).toEqual([...monitors, 'dmaengine'].sort());
    expect(rec).toContain(
      `${v} rvgen dmaengine: container header identical; container.c skeleton kept; Kconfig skeleton kept`,
    );
    for (const { a, files } of made) {
      expect(rec, a.name).toContain(
        `${v} rvgen ${a.name}: model header identical; trace snippet identical; main.c skeleton kept; Kconfig skeleton kept`,
      );
      // Every event rvgen's skeleton handles is handled, but one left out as untraced.
      const untraced = (files.get(`${a.name}.c`) ?? '').match(/Not traced: ([a-z_, ]+)\./)?.[1];
      const events = rec.find((l) => l.startsWith(`${v} rvgen ${a.name}: events `)) ?? '';
      expect(events, a.name).toContain(
        untraced === undefined
          ? ': events all handled;'
          : `: events all handled but ${untraced.replace(/, /g, ',')} (`,
      );
    }
  });

  it('linked them into a vmlinux, and the virt-dma driver and dmatest modules through modpost', () => {
    expect(rec).toContain(`${v} vmlinux: make -j2 vmlinux exited 0; 0 warnings in the whole kernel`);
    expect(rec).toContain(`${v} vmlinux has rv_dmaengine`);
    for (const name of monitors) expect(rec).toContain(`${v} vmlinux has enable_${name}`);
    expect(rec).toContain(`${v} modules: make -j2 modules exited 0; 0 modpost complaints`);
    for (const ko of ['amd/ptdma/ptdma', 'dmatest'])
      expect(rec).toContain(`${v} linked drivers/dma/${ko}.ko`);
  });

  it('built the per-object .c dmactor writes now, and the container, every one with 0 warnings', () => {
    expect(rec).toContain(`${v} patch: applied`);
    expect(rec).toContain(`${v} build: make -k -j2 W=1 kernel/trace/rv/ drivers/dma/ exited 0`);
    for (const o of ['dmaengine', 'virt-dma', 'amd/ptdma/ptdma-dmaengine', 'dmatest'])
      expect(rec).toContain(`${v} built drivers/dma/${o}.o`);
    const sha = (text: string): string => createHash('sha256').update(text).digest('hex');
    for (const { a, files } of made) {
      for (const [f, text] of files)
        expect(rec, `${a.name}/${f} changed since the recorded build`).toContain(
          `${v} sha256 ${a.name}/${f} ${sha(text)}`,
        );
      expect(rec).toContain(`${v} built kernel/trace/rv/monitors/${a.name}/${a.name}.o, 0 warnings`);
    }
    const box = rvContainer();
    for (const [f, text] of box.files)
      expect(rec, `dmaengine/${f} changed since the recorded build`).toContain(
        `${v} sha256 dmaengine/${f} ${sha(text)}`,
      );
    expect(rec).toContain(`${v} built kernel/trace/rv/monitors/dmaengine/dmaengine.o, 0 warnings`);
    const lines = rvKernelLines(
      box,
      made.map((m) => m.monitor),
    );
    expect(rec, 'kernel-lines.txt changed since the recorded build').toContain(
      `${v} sha256 kernel-lines.txt ${sha(lines)}`,
    );
    expect(rec).toContain(`${v} warnings: 0`);
    expect(rec).toContain(`${v} errors: 0`);
    expect(rec.filter((l) => /NOT |FAILED|DIFFERS/.test(l))).toEqual([]);
    const header = createHash('sha256').update(dmaengineTraceHeader()).digest('hex');
    expect(rec).toContain(`${v} tracepoint header sha256 ${header}`);
  });
});

/**
 * scripts/boot-rv-kernel.sh booted that 7.3 kernel under QEMU (test/fixtures/rv/boot-7.3.txt):
 * the container and every monitor registered, enabling the container enabled (attached) each,
 * ptdma and dmatest loaded against the exported tracepoints, disabling detached them all, and
 * the kernel logged no warning. QEMU emulates no DMA controller: scripts/rv-swdma/swdma.c, a
 * virt-dma memcpy provider done by the CPU, is one, and a client written as client.rst says
 * (in the same module) and dmatest ran on it. Every monitor saw events and reported none.
 */
describe('the recorded boot of that kernel', () => {
  const rec = readFileSync(join(__dirname, '../fixtures/rv/boot-7.3.txt'), 'utf8').split('\n');
  const sha = (text: string): string => createHash('sha256').update(text).digest('hex');

  it('booted the kernel built from the per-object .c dmactor writes now', () => {
    expect(rec.find((l) => l.startsWith('boot kernel: '))).toMatch(/^boot kernel: 7\.3\.\d+,/);
    for (const a of automata) {
      const r = rvMonitor(a);
      if (r.ok)
        expect(rec, `${a.name}.c changed since the recorded boot`).toContain(
          `boot sha256 ${a.name}/${a.name}.c ${sha(r.monitor.files.get(`${a.name}.c`) ?? '')}`,
        );
    }
    expect(rec).toContain(
      `boot sha256 dmaengine/dmaengine.c ${sha(rvContainer().files.get('dmaengine.c') ?? '')}`,
    );
  });

  it('registered, enabled and disabled every monitor, loaded the modules, and logged no warning', () => {
    expect(rec).toContain('boot available dmaengine');
    expect(rec).toContain('boot enable dmaengine: ok');
    for (const name of monitors) {
      expect(rec).toContain(`boot available dmaengine:${name}`);
      expect(rec).toContain(`boot enabled dmaengine:${name}`);
      expect(rec).toContain(`boot ${name} enable=1`);
    }
    expect(rec).toContain('boot insmod dmatest: ok');
    expect(rec).toContain('boot insmod ptdma: ok');
    expect(rec).toContain('boot insmod swdma client_runs=20: ok');
    expect(rec).toContain('boot disable all: ok');
    expect(rec).toContain('boot enabled after disable: -');
    expect(rec).toContain('boot kernel log warnings: 0');
    expect(rec).toContain('boot done');
    expect(rec.filter((l) => /FAILED|DID NOT/.test(l))).toEqual([]);
  });

  it('ran a correct client and dmatest on swdma, and no monitor reported an event', () => {
    const swdma = readFileSync(join(__dirname, '../../scripts/rv-swdma/swdma.c'), 'utf8');
    expect(rec.find((l) => l.startsWith('boot swdma: '))).toBe(
      `boot swdma: make W=1 M=scripts/rv-swdma modules exited 0, 0 warnings; swdma.c sha256 ${sha(swdma)}`,
    );
    expect(rec).toContain('boot swdma swdma: client: 20 of 20 transfers ok');
    expect(rec.filter((l) => / summary 20 tests, 0 failures /.test(l))).toHaveLength(2);
    for (const name of monitors) {
      const m = rec
        .find((l) => l.startsWith(`boot monitor ${name}: `))
        ?.match(/: (\d+) events, (\d+) errors$/);
      expect(Number(m?.[1]), `${name} saw no event`).toBeGreaterThan(0);
      expect(m?.[2], `${name} reported an event`).toBe('0');
    }
  });

  it('ran a client with a client.rst bug, and only channel_allocated_activity reported it', () => {
    // dma_async_issue_pending between dmaengine_terminate_async and dmaengine_synchronize.
    expect(rec).toContain('bug insmod swdma client_runs=2 client_bug=1: ok');
    expect(rec).toContain('bug swdma swdma: client: 2 of 2 transfers ok');
    for (const name of monitors)
      expect(
        rec.find((l) => l.startsWith(`bug monitor ${name}: `)),
        name,
      ).toMatch(
        name === 'channel_allocated_activity'
          ? /: [1-9]\d* events, 1 errors$/
          : /: [1-9]\d* events, 0 errors$/,
      );
    expect(rec).toContain(
      'bug seen 1: error_channel_allocated_activity event issue not expected in the state terminating',
    );
    expect(rec).toContain('bug kernel log warnings: 0');
    expect(rec).toContain('bug done');
  });
});
