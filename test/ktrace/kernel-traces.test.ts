import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkKernelTrace } from '../../src/ktrace/check-kernel-trace.js';

/**
 * The traces recorded by scripts/record-kernel-trace.sh (bcm2835-dma under QEMU, dmatest and
 * dslave) checked with no false finding, and copies edited to break one rule each giving
 * exactly that finding.
 */
const DIR = new URL('../fixtures/kernel-traces/', import.meta.url);
const read = (name: string): string => readFileSync(new URL(name, DIR), 'utf8');
const PHASES = ['memcpy-1thread', 'memcpy-2threads', 'memcpy-polled', 'client'] as const;

const ids = (text: string): string[] => checkKernelTrace(text).findings.map((f) => f.rule.id);
/** Events of descriptors (`tx `, drawn as `chan P.tx Q`) or of channels (`chan `). */
const count = (text: string, of: 'tx ' | 'chan ', event: string): number =>
  checkKernelTrace(text).events.filter(
    (e) => e.event === event && (of === 'tx ' ? e.actor.includes('.tx ') : !e.actor.includes('.tx ')),
  ).length;

describe('recorded bcm2835 traces', () => {
  // Two boots of the same script: in the second, dslave's terminate caught cookie 5 running.
  for (const trace of [...PHASES, 'all'].flatMap((p) => [`bcm2835-${p}`, `bcm2835-run2-${p}`])) {
    it(`${trace}: no finding`, () => {
      const r = checkKernelTrace(read(`${trace}.trace`));
      expect(r.findings).toEqual([]);
      expect(r.lost).toEqual([]);
      expect(r.observations).toBeGreaterThan(50);
    });
  }

  it('follows every dmatest descriptor from prep to free through its callback', () => {
    const t = read('bcm2835-memcpy-1thread.trace');
    // iterations=8: eight preps, completions, callbacks and frees on one channel
    for (const e of ['PREP', 'SUBMIT', 'ISSUE', 'START', 'COMPLETE', 'CALLBACK_BEGIN', 'FREE']) {
      expect(count(t, 'tx ', e), e).toBe(8);
    }
    expect(count(t, 'chan ', 'REQUEST')).toBe(1);
  });

  it('sees the client phases: slave_sg, terminate of unissued and of issued work, release', () => {
    const t = read('bcm2835-client.trace');
    expect(count(t, 'chan ', 'CONFIG')).toBe(1);
    expect(count(t, 'chan ', 'PREP_SLAVE')).toBe(6);
    expect(count(t, 'chan ', 'TERMINATE')).toBeGreaterThanOrEqual(2);
    expect(count(t, 'chan ', 'SYNC')).toBeGreaterThanOrEqual(2);
    expect(count(t, 'chan ', 'RELEASE')).toBe(1);
    // four descriptors aborted (two never issued, two issued), two completed with a callback
    expect(count(t, 'tx ', 'TERMINATE')).toBeGreaterThanOrEqual(4);
    expect(count(t, 'tx ', 'CALLBACK_BEGIN')).toBe(2);
    expect(count(t, 'tx ', 'FREE')).toBe(6);
  });
});

describe('edited copies give exactly the finding they plant', () => {
  it('a callback after a synchronize returned', () => {
    // A synchronize that returns between the completion interrupt and the tasklet: the
    // callback that follows runs after it returned (a synchronize that does not kill the tasklet).
    const lines = read('bcm2835-memcpy-1thread.trace').split('\n');
    const i = lines.findIndex((l) => / tasklet_entry: .*vchan_complete/.test(l));
    const chan = /chan=(0x[\da-f]+)/.exec(lines.find((l) => / dma_irq: /.test(l)) ?? '')?.[1];
    expect(i).toBeGreaterThan(0);
    const at = (lines[i] ?? '').replace(/ tasklet_entry: .*/, '');
    lines.splice(
      i,
      0,
      `${at} synchronize: (bcm2835_dma_synchronize+0x0/0xb0) chan=${chan}`,
      `${at} synchronize_ret: (x+0x0/0x4 <- bcm2835_dma_synchronize)`,
    );
    expect(ids(lines.join('\n'))).toEqual(['inv.no-callback-after-synchronize']);
  });

  it('a callback after dmaengine_terminate_sync returned', () => {
    // Another CPU's terminate_sync returns after the completion tasklet took the descriptor
    // and before its callback ran: a synchronize that does not wait for the tasklet.
    const lines = read('bcm2835-client.trace').split('\n');
    const i = lines.findIndex((l) => / vchan_complete: /.test(l));
    const chan = /chan=(0x[\da-f]+)/.exec(lines[i] ?? '')?.[1];
    const at = '           other-999     [001] .....    19.300000:';
    lines.splice(
      i + 1,
      0,
      `${at} terminate_all: (bcm2835_dma_terminate_all+0x0/0x2a4) chan=${chan}`,
      `${at} terminate_all_ret: (x+0x0/0x4 <- bcm2835_dma_terminate_all) ret=0`,
      `${at} synchronize: (bcm2835_dma_synchronize+0x0/0xb0) chan=${chan}`,
      `${at} synchronize_ret: (x+0x0/0x4 <- bcm2835_dma_synchronize)`,
    );
    expect(lines.slice(i + 5).some((l) => / dslave_cb <-/.test(l))).toBe(true);
    expect(ids(lines.join('\n'))).toEqual(['inv.no-callback-after-synchronize']);
  });

  it('a descriptor freed twice', () => {
    const lines = read('bcm2835-memcpy-1thread.trace').split('\n');
    const i = lines.findIndex((l) => / desc_free: /.test(l));
    lines.splice(i + 1, 0, lines[i] ?? '');
    expect(ids(lines.join('\n'))).toEqual(['descriptor.use-after-free']);
  });

  it('a cookie completed out of order', () => {
    // Cookies 4 and 5 exchanged on every line: the driver completes 5, then 4.
    const text = read('bcm2835-memcpy-1thread.trace').replace(/cookie=([45])\b/g, (_, c) =>
      c === '4' ? 'cookie=5' : 'cookie=4',
    );
    expect(ids(text)).toEqual(['inv.in-order-completion']);
  });

  it('tx_status reporting DMA_COMPLETE for a running cookie', () => {
    // A poll right after issue_pending started the transfer, before its interrupt, answered
    // DMA_COMPLETE. (A real poll's answer is read between its entry and return probes, so only a
    // descriptor still in flight at the return is judged.)
    const lines = read('bcm2835-memcpy-1thread.trace').split('\n');
    const i = lines.findIndex((l) => / start_desc: /.test(l) && /\bcookie=2\b/.test(l));
    const line = lines[i] ?? '';
    const head = line.replace(/ start_desc: .*/, '');
    const chan = /chan=(0x[\da-f]+)/.exec(line)?.[1];
    lines.splice(
      i + 1,
      0,
      `${head} tx_status: (bcm2835_dma_tx_status+0x0/0x1b8) chan=${chan} cookie=2`,
      `${head} tx_status_ret: (dma_sync_wait+0xa4/0x108 <- bcm2835_dma_tx_status) status=0x0`,
    );
    expect(ids(lines.join('\n'))).toEqual(['inv.tx-status-consistent']);
  });

  it('accepting a rule by name lists the finding without counting it', () => {
    const lines = read('bcm2835-memcpy-1thread.trace').split('\n');
    const i = lines.findIndex((l) => / desc_free: /.test(l));
    lines.splice(i + 1, 0, lines[i] ?? '');
    const r = checkKernelTrace(lines.join('\n'), { accept: ['descriptor.use-after-free'] });
    expect(r.findings.map((f) => [f.rule.id, f.accepted, f.line])).toEqual([
      ['descriptor.use-after-free', true, i + 2],
    ]);
  });
});

describe('recorded pl330 traces (Exynos4210, not a virt-dma driver)', () => {
  // pl330 has no device_synchronize: dmatest's dmaengine_terminate_sync is a terminate there.
  const pl330 = { noDeviceSynchronize: true };
  for (const phase of ['memcpy-1thread', 'memcpy-2threads', 'memcpy-polled', 'all']) {
    it(`${phase}: no finding`, () => {
      const r = checkKernelTrace(read(`pl330-${phase}.trace`), pl330);
      expect(r.findings).toEqual([]);
      expect(r.observations).toBeGreaterThan(50);
    });
  }

  it('every descriptor completes; a pointer handed out again by the pool is a new life', () => {
    const r = checkKernelTrace(read('pl330-all.trace'), pl330);
    const complete = r.events.filter((e) => e.event === 'COMPLETE').length;
    expect(complete).toBe(8 + 16 + 4);
    expect(r.events.some((e) => / \(life 2\)$/.test(e.actor))).toBe(true);
  });

  it('without noDeviceSynchronize, the polled run reads as terminates never synchronized', () => {
    // dmatest's terminate_sync after each poll: the synchronize is invisible on pl330.
    const ids = checkKernelTrace(read('pl330-memcpy-polled.trace')).findings.map((f) => f.rule.id);
    expect(new Set(ids)).toEqual(new Set(['channel.issue-before-sync', 'inv.free-resources-after-sync']));
  });

  it('cookies completed out of order', () => {
    const text = read('pl330-memcpy-1thread.trace').replace(/cookie=([45])\b/g, (_, c) =>
      c === '4' ? 'cookie=5' : 'cookie=4',
    );
    expect(checkKernelTrace(text, pl330).findings.map((f) => f.rule.id)).toEqual(['inv.in-order-completion']);
  });
});

describe('the dmaengine tracepoints (src/rv/tracepoints.ts), hand-written', () => {
  const text = read('handwritten-tracepoints.trace');
  const lines = text.split('\n');
  const at = (needle: string): number => lines.findIndex((l) => l.includes(needle));

  it('a completed and a terminated memcpy: no finding, every chart event read', () => {
    const r = checkKernelTrace(text);
    expect(r.findings).toEqual([]);
    const tx1 = r.events.filter((e) => e.actor.endsWith('tx 0xa0000001')).map((e) => e.event);
    expect(tx1).toEqual([
      'PREP',
      'SUBMIT',
      'ISSUE',
      'START',
      'COMPLETE',
      'FETCH_CALLBACK',
      'CALLBACK_BEGIN',
      'CALLBACK_END',
      'FREE',
    ]);
    const tx2 = r.events.filter((e) => e.actor.endsWith('tx 0xa0000002')).map((e) => e.event);
    // No tracepoint marks a start (vchan_next_desc only peeks): a completion implies it.
    expect(tx2).toEqual(['PREP', 'SUBMIT', 'ISSUE', 'TERMINATE', 'FREE']);
  });

  it('a callback after dmaengine_synchronize returned', () => {
    // the first descriptor's callback moved after the synchronize
    const edited = [...lines];
    const sync = at('dmaengine_synchronize:');
    const moved = edited.splice(at('dmaengine_fetch_callback:'), 4);
    edited.splice(sync - moved.length + 1, 0, ...moved);
    expect(ids(edited.join('\n'))).toEqual(['inv.no-callback-after-synchronize']);
  });

  it('a descriptor freed twice, and one completed before it was issued', () => {
    const twice = [...lines];
    twice.splice(
      at('dmaengine_desc_free: tx=00000000a0000001') + 1,
      0,
      lines[at('dmaengine_desc_free: tx=00000000a0000001')] ?? '',
    );
    expect(ids(twice.join('\n'))).toEqual(['descriptor.use-after-free']);
    const early = [...lines];
    const [complete] = early.splice(at('dmaengine_cookie_complete: tx=00000000a0000001'), 1);
    early.splice(at('dmaengine_submit: tx=00000000a0000001') + 1, 0, complete ?? '');
    // The first finding is the cause; the callback and free that follow are rejected too.
    expect(ids(early.join('\n'))[0]).toBe('descriptor.complete-not-done');
  });
});
