import type { DmaChan } from '../src/dmaengine/channel.js';
import type { DmaAsyncTxDescriptor } from '../src/dmaengine/descriptor.js';
import { chanModel, txModel } from '../src/dmaengine/record.js';
import { DMA_PREP_LOAD_EOT } from '../src/dmaengine/types.js';
import { defineRule } from '../src/rules/rule.js';
import { cites, section } from '../src/rules/sources.js';
import { defineInvariant } from './invariant.js';
import { chanName, lifeIn, SubmitOrder } from './observe.js';

/**
 * A DMA_PREP_REPEAT transfer runs until a transfer queued after it with DMA_PREP_LOAD_EOT
 * replaces it; one queued without the flag waits behind it forever. provider.rst calls this
 * what it is, the channel "appears stuck", and it is the client's doing: at the end of any
 * run (cut ones too: a repeating transfer never lets a run become quiescent), a channel whose
 * running transfer repeats while the next transfer issued after it has not started and lacks
 * DMA_PREP_LOAD_EOT is reported here, as a liveness finding against the client, not as a
 * hang. (A successor that has the flag and still waits is the provider's failure; only a
 * fair schedule can judge it, since a cut run may simply have ended before the switch.)
 */
export const repeatAppearsStuck = defineInvariant({
  rule: defineRule({
    id: 'inv.repeat-appears-stuck',
    rule: 'A transfer issued behind a running DMA_PREP_REPEAT transfer carries DMA_PREP_LOAD_EOT, or the channel keeps repeating and the new transfer never starts.',
    source: cites(
      section(
        'provider.rst',
        'Misc notes: DMA_PREP_LOAD_EOT',
        '("Failure to set DMA_PREP_LOAD_EOT will appear as if the channel was stuck on the previous transfer")',
      ),
      section('provider.rst', 'Misc notes: DMA_PREP_REPEAT'),
    ),
    side: 'client',
    kind: 'liveness',
  }),
  attach(ctx) {
    const order = new SubmitOrder();
    const channels = new Set<DmaChan>();
    ctx.on(['submit'], (e) => {
      if (e.type !== 'submit') return;
      order.submitted(e.tx);
      channels.add(e.tx.chan);
    });
    ctx.atEnd((outcome) => {
      if (outcome.kind === 'violation') return;
      for (const chan of channels) {
        const live = [...chanModel(chan).live];
        const repeating = live.find((tx) => txModel(tx)?.kind === 'repeat' && lifeIn(tx, 'active'));
        if (repeating === undefined) continue;
        ctx.checked();
        const from = order.of(repeating) ?? 0;
        const next = live
          .filter((tx) => lifeIn(tx, 'issued') && (order.of(tx) ?? 0) > from)
          .sort((a, b) => order.of(a)! - order.of(b)!)[0];
        if (next !== undefined && !loadEot(next)) {
          ctx.fail(
            `${chanName(chan)} keeps repeating ${repeating.name}: ${next.name}, issued after it without DMA_PREP_LOAD_EOT, never starts`,
            next.name,
          );
        }
      }
    });
  },
});

/** The prep flags as the provider stored them (vchan_tx_prep: tx->flags = tx_flags). */
const loadEot = (tx: DmaAsyncTxDescriptor): boolean => (tx.flags & DMA_PREP_LOAD_EOT) !== 0;
