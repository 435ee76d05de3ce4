import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkKernelTrace } from '../../src/ktrace/check-kernel-trace.js';
import { parseFtraceLine } from '../../src/ktrace/ftrace-line.js';
import { UsageError } from '../../src/rules/usage-error.js';

const TRACE = new URL('../fixtures/kernel-traces/bcm2835-memcpy-1thread.trace', import.meta.url);

const record = (text: string) => {
  const p = parseFtraceLine(text, 7);
  if (p.type !== 'record') throw new Error(`not a record: ${JSON.stringify(p)}`);
  return p.record;
};

describe('ftrace lines', () => {
  it('reads a kprobe, a kretprobe, a function line and an irq event of /sys/kernel/tracing/trace', () => {
    const k = record(
      ' dma0chan0-copy0-108     [001] d....    34.056435: prep_memcpy: (bcm2835_dma_prep_dma_memcpy+0x0/0x144) chan=0xc1cd2440 len=0xe38 flags=0x3',
    );
    expect([k.kind, k.name, k.parent, k.task, k.cpu, k.flags, k.time]).toEqual([
      'kprobe',
      'prep_memcpy',
      'bcm2835_dma_prep_dma_memcpy',
      'dma0chan0-copy0-108',
      1,
      'd....',
      34.056435,
    ]);
    expect(k.args).toEqual({ chan: '0xc1cd2440', len: '0xe38', flags: '0x3' });
    const r = record(
      ' dma0chan0-copy0-108     [001] .....    34.091156: prep_memcpy_ret: (dmatest_func+0x4c4/0x1450 [dmatest] <- bcm2835_dma_prep_dma_memcpy) desc=0xc4909c88',
    );
    expect([r.kind, r.parent, r.args.desc]).toEqual([
      'kretprobe',
      'bcm2835_dma_prep_dma_memcpy',
      '0xc4909c88',
    ]);
    const f = record(
      '     ksoftirqd/0-13      [000] ..s1.    34.100972: vchan_complete <-tasklet_action_common',
    );
    expect([f.kind, f.name, f.parent, f.flags]).toEqual([
      'function',
      'vchan_complete',
      'tasklet_action_common',
      '..s1.',
    ]);
    const irq = record(
      '             cat-110     [000] d.H.1    34.094475: irq_handler_entry: irq=73 name=DMA IRQ',
    );
    expect(irq.args).toEqual({ irq: '73', name: 'DMA IRQ' });
    const soft = record(
      '     ksoftirqd/0-13      [000] ..s..    34.100750: softirq_entry: vec=6 [action=TASKLET]',
    );
    expect(soft.args).toEqual({ vec: '6', action: 'TASKLET' });
  });

  it('reads trace-cmd report lines and function_graph lines', () => {
    const tc = record(
      '   dmatest-108   [001]    34.056435: function:             bcm2835_dma_issue_pending <-- dmatest_func',
    );
    expect([tc.kind, tc.name, tc.parent]).toEqual(['function', 'bcm2835_dma_issue_pending', 'dmatest_func']);
    const g = record(' 1)               |  bcm2835_dma_issue_pending() {');
    expect([g.kind, g.name, g.cpu, g.task]).toEqual(['graph-entry', 'bcm2835_dma_issue_pending', 1, 'cpu 1']);
    expect(record(' 1)   2.345 us    |  }').kind).toBe('graph-exit');
    const ev = record(' 0)               |  /* irq_handler_entry: irq=73 name=DMA IRQ */');
    expect([ev.kind, ev.name, ev.args.name]).toEqual(['event', 'irq_handler_entry', 'DMA IRQ']);
  });

  it('skips headers and notes, counts lost events, and refuses anything else', () => {
    expect(parseFtraceLine('# tracer: function', 1).type).toBe('skip');
    expect(parseFtraceLine('cpus=4', 1).type).toBe('skip');
    expect(parseFtraceLine('CPU:2 [LOST 17 EVENTS]', 1)).toEqual({ type: 'lost', cpu: 2 });
    expect(parseFtraceLine('{"format": "json"}', 1).type).toBe('bad');
  });
});

describe('a whole trace', () => {
  it('trace-cmd report gives the same observations as the kernel file', () => {
    const text = readFileSync(TRACE, 'utf8');
    // trace-cmd prints no flags column and "function: f <-- parent"
    const report = text
      .split('\n')
      .filter((l) => !l.startsWith('#'))
      .map((l) =>
        l.replace(/\] [\w.]{5} +/, '] ').replace(/: ([\w.]+) <-(\S+)$/, ': function:             $1 <-- $2'),
      )
      .join('\n');
    const a = checkKernelTrace(text);
    const b = checkKernelTrace(report);
    expect(b.findings).toEqual([]);
    expect(b.events.map((e) => [e.actor, e.event])).toEqual(a.events.map((e) => [e.actor, e.event]));
  });

  it('a malformed line is one error with its line number; a file of no trace is an unknown format', () => {
    const lines = readFileSync(TRACE, 'utf8').split('\n');
    lines.splice(40, 0, 'this is not ftrace');
    expect(() => checkKernelTrace(lines.join('\n'))).toThrow(UsageError);
    expect(() => checkKernelTrace(lines.join('\n'))).toThrow(/^line 41: not a line of an ftrace trace/);
    expect(() => checkKernelTrace('{"events": []}\n')).toThrow(/^line 1: unknown trace format/);
    expect(() => checkKernelTrace('# tracer: nop\n#\n')).toThrow(
      /^line 1: unknown trace format: no ftrace record/,
    );
  });
});
