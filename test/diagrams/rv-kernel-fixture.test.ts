import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { machineSpecs } from '../../machines/index.js';
import { chartOf } from '../../src/diagrams/chart.js';
import { rvAutomataOf } from '../../src/diagrams/rv.js';
import { rvMonitor } from '../../src/diagrams/rv-monitor.js';
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
