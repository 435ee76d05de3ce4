import { describe, expect, it } from 'vitest';
import { type Counterexample, loadCounterexample } from '../../src/explore/counterexample.js';
import { replayKindSchedule } from '../../src/explore/run-schedule.js';
import type { TraceEvent } from '../../src/kernel/trace.js';

/**
 * Issue 13: `dmactor check --strategy pos --seed 6 --schedules 300` once failed
 * descriptor.period-not-running. A repeated transfer and its LOAD_EOT successor ended
 * together; the end-of-transfer interrupt was raised after the handler had acknowledged the
 * channel, so the handler completed both from the idle hardware and the status stayed
 * pending. The client then issued a cyclic transfer on the same physical channel, and the
 * next interrupt credited it with a period before it had fetched its first item. The rule is
 * right (a period callback reports a period that elapsed, provider.rst "DMA_CYCLIC"); refdma
 * now clears a stale status when it programs a channel, as stm32-dma does. The file is the
 * shrunk counterexample the old refdma gave; replayed on the fixed one, the stale interrupt is
 * seen and dropped.
 */
const FILE = new URL('../fixtures/counterexamples/refdma-stale-irq-period.json', import.meta.url).pathname;

function replayFixture(): { events: readonly TraceEvent[]; cx: Counterexample<unknown> } {
  return loadCounterexample(FILE, (kind, cx) => {
    const run = replayKindSchedule(kind, cx.workload, cx.seed, cx.choices, cx.steps + 200, 'full', {
      provider: cx.provider,
    });
    return { events: run.world.trace.events, cx: cx as Counterexample<unknown> };
  });
}

describe('refdma and an interrupt left over from the previous transfer', () => {
  it('gives the cyclic transfer that follows no period before it starts', () => {
    const { events, cx } = replayFixture();
    expect(cx.violation.id).toBe('descriptor.period-not-running');
    expect(events.filter((e) => e.event === 'VIOLATION')).toEqual([]);

    const cyclic = events.find((e) => e.event === 'PREP_CYCLIC');
    expect(cyclic).toBeDefined();
    const d = cyclic!.actor;
    const started = events.findIndex((e) => e.actor === d && e.event === 'START');
    const firstPeriod = events.findIndex((e) => e.actor === d && e.event === 'PERIOD');
    expect(started).toBeGreaterThan(0);
    if (firstPeriod >= 0) expect(firstPeriod).toBeGreaterThan(started);

    // The stale interrupt still arrives (the line was raised); the handler finds no status.
    const handlerReturns = events.filter(
      (e, i) => i > events.indexOf(cyclic!) && i < started && e.event === 'handler-return',
    );
    expect(handlerReturns.map((e) => e.payload?.ret)).toContain('IRQ_NONE');
  });
});
