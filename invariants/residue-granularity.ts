import type { DmaAsyncTxDescriptor } from '../src/dmaengine/descriptor.js';
import { txModel } from '../src/dmaengine/record.js';
import { defineRule } from '../src/rules/rule.js';
import { cites, section } from '../src/rules/sources.js';
import { defineInvariant } from './invariant.js';
import { CookieOwners, chanName, cookieOwners, lifeIn } from './observe.js';

/**
 * The residue tx_status reports for a running transfer, against what the hardware moved for
 * it ('hw-moved', counted per pass for a cyclic or repeated transfer), at the granularity the
 * device declares (provider.rst "residue_granularity"):
 * - SEGMENT and BURST: never less than the bytes not moved yet: a residue that counts a byte
 *   the hardware has not moved is a wrong position (a pointer read one chunk ahead, a cyclic
 *   pass read as complete), not a coarser granularity. At a pass boundary of a looping
 *   transfer both 0 and the full length are right.
 * - BURST ("your device is able to report which burst have been transferred"): also no more
 *   than the bytes not moved plus the last burst moved, so a residue stuck at the full length
 *   after the data moved is caught (the hardware's counters are read in the same step the
 *   burst moved).
 * - DESCRIPTOR ("doesn't support any kind of residue reporting"): only the whole transfer, 0
 *   or its full length; drivers leave dma_cookie_status's 0 while it runs, which is legal.
 * Segment boundaries are not checked against the client's segments: a driver may split an
 * sg entry into several hardware items and report at those.
 */
export const residueGranularity = defineInvariant({
  rule: defineRule({
    id: 'inv.residue-granularity',
    rule: 'While a transfer runs, the residue tx_status reports for it is at the granularity the device declares: at SEGMENT or BURST granularity never less than the bytes the hardware has not moved yet (per pass of a cyclic or repeated transfer), at BURST granularity no more than those bytes plus the last burst, at DESCRIPTOR granularity only 0 or the full length.',
    source: cites(
      section(
        'provider.rst',
        'struct dma_device Initialization',
        'residue_granularity ("Descriptor", "Segment", "Burst")',
      ),
      section(
        'provider.rst',
        'Device operations: device_tx_status',
        '("Should report the bytes left to go over")',
      ),
      section('kernel-dmaengine-rules.md', '§2', 'residue_granularity'),
      section('kernel-dmaengine-rules.md', '§8', '#25 rcar-dmac, #26 pxa_dma, #27 xilinx_dma'),
      section('kernel-dmaengine-rules.md', '§9', 'RESIDUE'),
    ),
    side: 'provider',
    kind: 'safety',
  }),
  attach(ctx) {
    const cookies = cookieOwners(ctx.world);
    const moved = new Map<DmaAsyncTxDescriptor, { bytes: number; last: number }>();
    ctx.on([...CookieOwners.EVENTS, 'hw-moved', 'tx-status'], (e) => {
      if (cookies.follow(e)) {
        if (e.type === 'submit') moved.set(e.tx, { bytes: 0, last: 0 });
        return;
      }
      switch (e.type) {
        case 'hw-moved': {
          const m = moved.get(e.tx);
          if (m === undefined) break;
          m.bytes += e.bytes;
          m.last = e.bytes;
          break;
        }
        case 'tx-status': {
          if (e.state === null || e.status === 'DMA_COMPLETE') break;
          const tx = cookies.owner(e.chan, e.cookie);
          if (tx === null || !lifeIn(tx, 'active')) break;
          const model = txModel(tx);
          const m = moved.get(tx);
          if (model === null || m === undefined || model.length === 0) break;
          const r = e.state.residue;
          const len = model.length;
          // Out of [0, length]: inv.residue-bounds reports it.
          if (!Number.isInteger(r) || r < 0 || r > len) break;
          ctx.checked();
          const where = `tx_status(${chanName(e.chan)}, cookie ${e.cookie}) reports residue ${r} for ${tx.name}`;
          const granularity = e.chan.device.residue_granularity;
          if (granularity === 'DMA_RESIDUE_GRANULARITY_DESCRIPTOR') {
            if (r !== 0 && r !== len)
              ctx.fail(`${where} of ${len} bytes at DESCRIPTOR granularity (only 0 or the whole)`, tx.name);
            break;
          }
          const looping = model.kind !== 'oneshot';
          const done = looping ? m.bytes % len : Math.min(m.bytes, len);
          const left = len - done;
          const atBoundary = looping && m.bytes > 0 && done === 0;
          if (r < left && !(atBoundary && r === 0)) {
            ctx.fail(
              `${where}, but the hardware has moved ${done} of its ${len} bytes${looping ? ' in this pass' : ''}: ${left} are left`,
              tx.name,
            );
            break;
          }
          if (granularity === 'DMA_RESIDUE_GRANULARITY_BURST' && r > left + m.last && !atBoundary) {
            ctx.fail(
              `${where} at BURST granularity, but the hardware has moved ${done} of its ${len} bytes${looping ? ' in this pass' : ''} (${left} left, last burst ${m.last})`,
              tx.name,
            );
          }
          break;
        }
      }
    });
  },
});
