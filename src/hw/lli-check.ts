import { defineRule } from '../rules/rule.js';
import { cites, section } from '../rules/sources.js';
import type { FifoDevice } from './fifo-device.js';
import { type Lli, lliProblem } from './lli.js';

export const MalformedLli = defineRule({
  id: 'provider.malformed-lli',
  rule: 'The linked list a provider programs is one the controller can run: every item with a whole length, a transfer width of 1, 2, 4 or 8 bytes, bursts of at least one beat, a well-formed offload operation, the descriptor it belongs to (Lli.tag), a peripheral read only if it produces data and written only if it consumes it, and no loop unless the transfer is cyclic.',
  source: cites(
    section(
      'provider.rst',
      'Hardware Introduction',
      '(for every chunk: source and destination addresses, whether to increment them, the transfer width, the burst size and the transfer size)',
    ),
    section(
      'provider.rst',
      'Device operations: device_prep_dma_*',
      '("create a hardware descriptor or a list of hardware descriptors")',
    ),
  ),
  side: 'provider',
  kind: 'safety',
});

/** A transfer as the framework knows it: whether its list may point back to its head. */
export interface KnownTransfer {
  readonly cyclic: boolean;
}

/** What the list check needs of the controller: its peripherals and the transfers items name. */
export interface LliCheckContext {
  device(addr: number): FifoDevice | null;
  /**
   * The transfer the items tagged `tag` belong to; null when the framework knows none (a
   * missing or foreign tag); undefined when nobody attributes this controller's items (a
   * bare controller): then any tag, and any loop, is accepted.
   */
  transfer(tag: unknown): KnownTransfer | null | undefined;
}

/** Why one item cannot run on this controller, or null. */
export function itemProblem(item: Lli, ctx: LliCheckContext): string | null {
  const own = lliProblem(item);
  if (own !== null) return own;
  if (ctx.transfer(item.tag) === null) return 'a tag that names no descriptor (Lli.tag)';
  // An offload item's src and dst are notes, and a fill reads nothing.
  if (item.xform !== undefined) return null;
  const src = item.fill === undefined ? ctx.device(item.src) : null;
  if (src !== null && src.direction !== 'rx') return `a read of ${src.name}, which takes data (tx)`;
  const dst = ctx.device(item.dst);
  if (dst !== null && dst.direction !== 'tx') return `a write to ${dst.name}, which gives data (rx)`;
  return null;
}

/**
 * Why the list from `head` cannot run, or null: each item by `itemProblem`, and a loop only
 * in a cyclic transfer's list. Walks the list once (Floyd's cycle check: no allocation).
 */
export function lliListProblem(head: Lli, ctx: LliCheckContext): string | null {
  let slow: Lli = head;
  let item: Lli | null = head;
  for (let i = 0; item !== null; i++) {
    const problem = itemProblem(item, ctx);
    if (problem !== null) return `item ${i}: ${problem}`;
    item = item.next;
    if (i % 2 === 1) slow = slow.next!;
    if (item === slow || item === head) {
      if (ctx.transfer(head.tag)?.cyclic === false)
        return 'a loop in the list of a transfer that is not cyclic';
      return null;
    }
  }
  return null;
}
