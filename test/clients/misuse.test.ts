import type * as Dmactor from 'dmactor';
import { describe, expect, it } from 'vitest';
import { catalogue } from '../../invariants/catalogue.js';
import { machineSpecs } from '../../machines/index.js';
import { AsyncTxRules } from '../../src/async_tx/rules.js';
import { DmaRules, VirtDmaRules } from '../../src/dmaengine/rules.js';
import { ClientRules } from '../../src/kernel/client-fault.js';
import { MappingRules } from '../../src/mapping/rules.js';
import type { Rule } from '../../src/rules/rule.js';

/**
 * The client catalogue, each misuse written as a client module (test/fixtures/clients/), run
 * by checkClient from the built package as a driver author's suite runs it: the first finding
 * is the rule the fixture breaks, and every finding is blamed on the client.
 */
const { checkClient } = (await import('dmactor')) as typeof Dmactor;

const fixture = (name: string) => new URL(`../fixtures/clients/${name}.ts`, import.meta.url).pathname;

/**
 * Fixture, the rule it breaks. Fixtures that name their providers (async_tx: xordma; a channel
 * without a capability refdma has: classic-dma) run on those; the others on refdma.
 */
const misuses: readonly (readonly [string, string])[] = [
  ['throws-in-thread', 'client.exception'],
  ['throws-in-callback', 'client.exception'],
  ['throws-in-threads', 'client.exception'],
  ['waits-forever', 'client.blocked-forever'],
  ['loops-forever', 'client.hang'],
  ['prep-without-config', 'channel.prep-slave-unconfigured'],
  ['submit-twice', 'descriptor.submit-twice'],
  ['resume-not-paused', 'channel.resume-not-paused'],
  ['issue-before-sync', 'channel.issue-before-sync'],
  ['pause-before-sync', 'channel.pause-before-sync'],
  ['release-twice', 'channel.release-unheld'],
  ['config-after-release', 'channel.not-held'],
  ['use-after-submit', 'descriptor.client-use-after-submit'],
  ['sleeps-between-prep-and-submit', 'client.sleep-between-prep-and-submit'],
  ['prepares-never-submits', 'inv.prepared-never-submitted'],
  ['metadata-mixed', 'descriptor.metadata-mixed'],
  ['metadata-engine-while-running', 'descriptor.metadata-engine-invalid'],
  ['terminate-sync-in-callback', 'client.terminate-sync-in-callback'],
  ['terminate-sync-in-atomic', 'client.terminate-sync-in-atomic'],
  ['buffer-freed-before-sync', 'inv.buffer-freed-before-sync'],
  ['repeat-without-load-eot', 'inv.repeat-appears-stuck'],
  ['load-eot-unsupported', 'client.load-eot-unsupported'],
  ['unmap-twice', 'dma-debug.unmap-not-mapped'],
  ['unmap-wrong-size', 'dma-debug.unmap-wrong-size'],
  ['unmap-wrong-function', 'dma-debug.unmap-wrong-function'],
  ['unmap-wrong-direction', 'dma-debug.unmap-wrong-direction'],
  ['free-coherent-wrong-address', 'dma-debug.free-coherent-wrong-cpu-address'],
  ['unmap-sg-wrong-count', 'dma-debug.unmap-wrong-sg-count'],
  ['map-error-not-checked', 'dma-debug.map-error-not-checked'],
  ['sync-after-unmap', 'dma-debug.sync-not-mapped'],
  ['sync-out-of-range', 'dma-debug.sync-out-of-range'],
  ['sync-wrong-direction', 'dma-debug.sync-wrong-direction'],
  ['sync-sg-wrong-count', 'dma-debug.sync-wrong-sg-count'],
  ['overlapping-mapping', 'dma-debug.overlapping-mapping'],
  ['map-freed-memory', 'dma-debug.map-invalid-area'],
  ['release-while-mapped', 'dma-debug.pending-at-release'],
  ['map-dma-none', 'dma-debug.invalid-direction'],
  ['free-coherent-irqs-off', 'dma-debug.free-coherent-in-interrupt'],
  ['pool-destroyed-busy', 'dma-debug.pool-busy-at-destroy'],
  ['pool-double-free', 'dma-debug.pool-bad-free'],
  ['cpu-writes-mapped-buffer', 'dma-debug.cpu-access-while-device-owns'],
  ['device-reads-cpu-owned', 'dma-debug.device-access-while-cpu-owns'],
  ['free-mapped-buffer', 'dma-debug.free-while-mapped'],
  ['transfer-unmapped-buffer', 'dma-debug.iommu-fault'],
  ['map-after-mask-refused', 'dma-debug.map-after-mask-refused'],
  ['coherent-mask-wider', 'dma-debug.coherent-mask-wider'],
  // A kernel rule (side 'kernel') broken in the client's own thread is the client's too.
  ['double-kfree', 'memory.double-free'],
  // ... and in its completion callback, though that runs in the provider's tasklet.
  ['sleeps-in-callback', 'kernel.sleep-in-atomic'],
  ['async-bad-arguments', 'async.bad-arguments'],
  ['async-depend-acked', 'async.depend-acked'],
  // async_tx acks a parent as it attaches the first dependant (the implicit ack of §3.3), with
  // no preemption point between the two, so a second dependant always finds it acked.
  ['async-two-children', 'async.depend-acked'],
  ['async-callback-submits', 'async.callback-submits'],
  ['async-in-hardirq', 'async.irq-context'],
];

/**
 * Client-side rules no client module can break through the API, and why. async.one-child: the
 * check runs before the parent is chained and acked, which happens with no preemption point in
 * between, so a second dependant always meets async.depend-acked first (async-two-children).
 */
const unreachable: Readonly<Record<string, string>> = {
  'async.one-child': 'a second dependant is refused as async.depend-acked first',
};

/** Every rule with side 'client' the model checks: the charts' rejections, the framework's checks, the invariants. */
function clientRules(): string[] {
  const rules: Rule[] = [
    ...machineSpecs.flatMap((s) =>
      Object.values(s.rejections).flatMap((r) => (Array.isArray(r) ? r.map((c) => c.rule) : [r as Rule])),
    ),
    ...catalogue.map((i) => i.rule),
    ...Object.values(MappingRules),
    ...Object.values(DmaRules),
    ...Object.values(VirtDmaRules),
    ...Object.values(AsyncTxRules),
    ...Object.values(ClientRules),
  ];
  return [...new Set(rules.filter((r) => r.side === 'client').map((r) => r.id))].sort();
}

/** The fixtures besides async_tx's that run on the providers they name. */
const OWN_PROVIDERS: ReadonlySet<string> = new Set(['repeat-without-load-eot', 'load-eot-unsupported']);

describe('the client catalogue, each misuse as a client module', () => {
  it('covers every client-side rule (or says why a client cannot break it)', () => {
    const covered = new Set([...misuses.map(([, rule]) => rule), ...Object.keys(unreachable)]);
    expect(clientRules().filter((id) => !covered.has(id))).toEqual([]);
    expect(Object.keys(unreachable).filter((id) => misuses.some(([, rule]) => rule === id))).toEqual([]);
  });

  it.each(misuses)('%s is blamed on the client with %s', async (name, rule) => {
    const hangs = rule === 'client.hang';
    const async = name.startsWith('async-') || OWN_PROVIDERS.has(name);
    const r = await checkClient(fixture(name), {
      seed: 1,
      schedules: 6,
      // A repeating channel never lets a run end quiescent: a short bound keeps its cut runs short.
      stepBound: 4000,
      shrinkRuns: 100,
      // Only a client that never yields needs the watchdog's worker thread.
      isolate: hangs,
      hangMs: 3000,
      ...(async ? {} : { providers: ['refdma'] }),
    });
    expect(r.ok).toBe(false);
    expect(r.findings[0]?.violation.id, r.summary.join('\n')).toBe(rule);
    expect(
      r.findings.filter((f) => f.blame !== 'client').map((f) => f.violation.id),
      r.summary.join('\n'),
    ).toEqual([]);
  });
});
