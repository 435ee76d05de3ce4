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
  /**
   * An offload operation instead of a copy (async_tx's DMA_XOR, DMA_PQ, DMA_XOR_VAL,
   * DMA_PQ_VAL): the item reads and writes the addresses named here, `len` bytes from each, and
   * ignores src, dst and their increment flags (set them to the first source and the first
   * destination, for the provider's own bookkeeping). It works burst by burst (srcBurst x
   * srcWidth) like a memory-to-memory copy.
   */
  xform?: LliXform;
  /** Opaque: which descriptor the item belongs to; reported to the observer. */
  tag?: unknown;
}

/**
 * What an offload item computes, with the kernel's semantics (include/linux/dmaengine.h
 * device_prep_dma_xor/_xor_val/_pq/_pq_val; crypto/async_tx/async_pq.c for P and Q). `flags`
 * are the prep's enum dma_ctrl_flags: DMA_PREP_PQ_DISABLE_P / _Q leave that syndrome alone
 * (neither written nor checked), DMA_PREP_CONTINUE (pq only) xors the new syndromes into the
 * old P and Q, which are then sources too. Validations OR SUM_CHECK_P_RESULT /
 * SUM_CHECK_Q_RESULT into `result` and write nothing; the provider clears `result` at prep
 * (the hardware only ever sets bits, as ioat's clean-up does).
 */
export type LliXform =
  /** dst = srcs[0] ^ srcs[1] ^ ... (dst may be one of the sources). */
  | { readonly op: 'xor'; readonly dst: number; readonly srcs: readonly number[] }
  /** P = xor of the sources, Q = sum of scf[i]·srcs[i] over GF(2^8) (lib/raid6's field). */
  | {
      readonly op: 'pq';
      readonly p: number;
      readonly q: number;
      readonly srcs: readonly number[];
      readonly scf: readonly number[];
      readonly flags: number;
    }
  /** SUM_CHECK_P_RESULT when the xor of the sources is not zero. */
  | { readonly op: 'xor-val'; readonly srcs: readonly number[]; readonly result: { value: number } }
  /** SUM_CHECK_P_RESULT / SUM_CHECK_Q_RESULT where P / Q differ from the sources' syndromes. */
  | {
      readonly op: 'pq-val';
      readonly p: number;
      readonly q: number;
      readonly srcs: readonly number[];
      readonly scf: readonly number[];
      readonly flags: number;
      readonly result: { value: number };
    };

/** An item before it is linked. */
export type LliInit = Omit<Lli, 'next'>;

/** Bytes of the list from `head` as it is now: to its end, or once round a cyclic list. */
export function listBytes(head: Lli): number {
  let total = 0;
  // A bound, for a list that loops somewhere other than its head (lliListProblem reports it).
  let left = 1 << 16;
  for (let i: Lli | null = head; i !== null && left-- > 0; i = i.next) {
    total += i.len;
    if (i.next === head) break;
  }
  return total;
}

/** Link `items` in order and return the head; `cyclic` points the last one back to the head. */
export function linkLlis(items: readonly LliInit[], cyclic = false): Lli {
  if (items.length === 0) throw new RangeError('a linked list needs at least one item');
  return linkLliList(items, cyclic)[0]!;
}

/**
 * `items` linked in order, every one of them (a provider keeps them to find the current item
 * again, e.g. for the residue); `cyclic` points the last one back to the first. No items, no list.
 */
export function linkLliList(items: readonly LliInit[], cyclic = false): Lli[] {
  const linked: Lli[] = items.map(linkable);
  for (let i = 0; i + 1 < linked.length; i++) linked[i]!.next = linked[i + 1]!;
  if (cyclic && linked.length > 0) linked[linked.length - 1]!.next = linked[0]!;
  return linked;
}

/**
 * An unlinked copy of `item`, every field written out: one shape for every item (the burst code
 * reads them monomorphically), and no `{ ...item, next }`, which V8 (Node 20) builds through a
 * slow path, about a microsecond per added property.
 */
function linkable(item: LliInit): Lli {
  const l: Lli = {
    src: item.src,
    dst: item.dst,
    len: item.len,
    srcInc: item.srcInc,
    dstInc: item.dstInc,
    srcWidth: item.srcWidth,
    dstWidth: item.dstWidth,
    srcBurst: item.srcBurst,
    dstBurst: item.dstBurst,
    irq: item.irq,
    next: null,
  };
  // Optional fields only when present: a caller may read `'fill' in item` as "a memset".
  if (item.fill !== undefined) l.fill = item.fill;
  if (item.xform !== undefined) l.xform = item.xform;
  if (item.tag !== undefined) l.tag = item.tag;
  return l;
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
  if (item.xform !== undefined) return xformProblem(item);
  return null;
}

function xformProblem(item: Lli): string | null {
  const x = item.xform!;
  if (item.fill !== undefined) return `both fill and ${x.op}`;
  if (x.srcs.length === 0) return `${x.op} without sources`;
  if ((x.op === 'pq' || x.op === 'pq-val') && x.scf.length !== x.srcs.length) {
    return `${x.op} with ${x.srcs.length} sources and ${x.scf.length} coefficients`;
  }
  return null;
}
