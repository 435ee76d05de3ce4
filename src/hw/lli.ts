/**
 * One hardware linked-list item: the chunk format a scatter-gather controller walks on its
 * own (provider.rst "Hardware Introduction": for every chunk the source and destination
 * addresses, whether to increment them, the transfer width, the burst size and the
 * transfer size). The controller follows `next`; a cyclic list points back to its head.
 */
export interface Lli {
  /** A RAM address (world.memory) or a FifoDevice.register address. */
  src: number;
  dst: number;
  /** Bytes in this item. */
  len: number;
  /** Incrementing (RAM) or fixed (a device FIFO register) addresses. */
  srcInc: boolean;
  dstInc: boolean;
  /** Bytes per beat on each side (1, 2, 4, 8). */
  srcWidth: number;
  dstWidth: number;
  /** Beats per burst on each side. */
  srcBurst: number;
  dstBurst: number;
  /** Raise the channel's interrupt when this item completes. */
  irq: boolean;
  next: Lli | null;
  /** memset: write this byte (the low 8 bits, DMA_MEMSET's "single byte") instead of reading src. */
  fill?: number;
  /** Opaque: which descriptor the item belongs to; reported to the observer. */
  tag?: unknown;
}

/** An item before it is linked. */
export type LliInit = Omit<Lli, 'next'>;

/** Link `items` in order and return the head; `cyclic` points the last one back to the head. */
export function linkLlis(items: readonly LliInit[], cyclic = false): Lli {
  if (items.length === 0) throw new RangeError('a linked list needs at least one item');
  const linked: Lli[] = items.map((item) => ({ ...item, next: null }));
  for (let i = 0; i + 1 < linked.length; i++) linked[i]!.next = linked[i + 1]!;
  if (cyclic) linked[linked.length - 1]!.next = linked[0]!;
  return linked[0]!;
}

const WIDTHS: ReadonlySet<number> = new Set([1, 2, 4, 8]);

/**
 * Why the controller cannot execute `item`, or null. Real hardware would do something
 * undefined with such an item; the model refuses it loudly instead.
 */
export function lliProblem(item: Lli): string | null {
  if (!Number.isInteger(item.len) || item.len < 0) return `length ${item.len}`;
  if (!WIDTHS.has(item.srcWidth) || !WIDTHS.has(item.dstWidth)) {
    return `widths ${item.srcWidth}/${item.dstWidth} (must be 1, 2, 4 or 8)`;
  }
  if (!Number.isInteger(item.srcBurst) || item.srcBurst < 1) return `source burst ${item.srcBurst}`;
  if (!Number.isInteger(item.dstBurst) || item.dstBurst < 1) return `destination burst ${item.dstBurst}`;
  return null;
}
