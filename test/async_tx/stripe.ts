import fc from 'fast-check';
import { async_tx_issue_pending } from '../../src/async_tx/async-tx.js';
import { async_gen_syndrome, async_syndrome_val } from '../../src/async_tx/pq.js';
import { async_raid6_2data_recov, async_raid6_datap_recov } from '../../src/async_tx/raid6-recov.js';
import {
  ASYNC_TX_ACK,
  ASYNC_TX_XOR_ZERO_DST,
  AsyncSubmitCtl,
  type addr_conv_t,
  init_async_submit,
} from '../../src/async_tx/submit-ctl.js';
import { async_xor_offs } from '../../src/async_tx/xor.js';
import type { DmaAsyncTxDescriptor } from '../../src/dmaengine/descriptor.js';
import type { Body } from '../../src/dmaengine/types.js';
import {
  type Completion,
  complete,
  init_completion,
  wait_for_completion_timeout,
} from '../../src/kernel/completion.js';
import type { World } from '../../src/kernel/world.js';
import type { Page } from '../../src/mapping/types.js';

/**
 * crypto/async_tx/raid6test.c as a model client: a stripe of data blocks with P and Q, every
 * failure recovered through the async_tx API and checked with async_syndrome_val, then
 * compared bit for bit with the original blocks.
 */

export interface StripeSpec {
  /** Blocks including P and Q. */
  readonly disks: number;
  readonly bytes: number;
  /** disks - 2 data blocks of `bytes` bytes. */
  readonly data: readonly Uint8Array[];
  /** Offset of each block (and of the two recovery blocks and the spare) inside its page. */
  readonly offs: readonly number[];
  /** Where the next operation may start: the engines' alignment, if any (log2). */
  readonly align?: number;
}

/** Stripes of 2 to `maxData` data disks (the kernel's 4- and 5-disk special cases included), blocks of 16..64 bytes. */
export const stripeArb = (minData: number, maxData: number, align = 0): fc.Arbitrary<StripeSpec> =>
  fc.integer({ min: minData, max: maxData }).chain((n) =>
    fc.integer({ min: 16 >> align, max: 64 >> align }).chain((units) => {
      const bytes = units << align;
      return fc.record({
        disks: fc.constant(n + 2),
        bytes: fc.constant(bytes),
        data: fc.array(fc.uint8Array({ minLength: bytes, maxLength: bytes }), { minLength: n, maxLength: n }),
        offs: fc.array(
          fc.integer({ min: 0, max: 15 >> align }).map((o) => o << align),
          { minLength: n + 5, maxLength: n + 5 },
        ),
        align: fc.constant(align),
      });
    }),
  );

export interface Stripe {
  readonly spec: StripeSpec;
  /** Data blocks, P, Q, then recovi, recovj and spare (raid6test's data[disks..disks+2]). */
  readonly pages: Page[];
  readonly offs: number[];
}

/** Allocate every block as its own page with the block at its offset; fill the data, nuke P and Q. */
export function allocStripe(world: World, spec: StripeSpec): Stripe {
  const pages: Page[] = [];
  for (let i = 0; i < spec.disks + 3; i++) {
    const phys = world.memory.alloc(spec.bytes + spec.offs[i]!, { align: 64, label: `blk${i}` });
    pages.push({ phys });
    const fill = i < spec.disks - 2 ? spec.data[i]! : new Uint8Array(spec.bytes).fill(0xee);
    world.memory.view(phys + spec.offs[i]!, spec.bytes).set(fill);
  }
  return { spec, pages, offs: spec.offs.slice(0, spec.disks + 3) };
}

export const blockOf = (world: World, s: Stripe, i: number): Uint8Array =>
  world.memory.view(s.pages[i]!.phys + s.offs[i]!, s.spec.bytes).slice();

/** Wait for the callback of the operation just submitted (raid6test's completion), then check nothing timed out. */
function* waitCallback(done: Completion, what: string): Body<void> {
  const left = yield* wait_for_completion_timeout(done, 3_000_000_000);
  if (left === 0) throw new Error(`${what}: timeout!`);
}

/** What one failure case found: the recovered blocks and the syndrome check's result. */
export interface Outcome {
  readonly faila: number;
  readonly failb: number;
  readonly recovered: Uint8Array[];
  readonly result: number;
  /** The last recovery descriptor (null when the CPU did the last step). */
  readonly tx: DmaAsyncTxDescriptor | null;
}

/** raid6test.c callback(): complete the completion. */
const signal = (done: Completion) => () => {
  complete(done);
  return undefined;
};

/** Generate the "assumed good" syndrome (raid6test.c test()). */
export function* genSyndrome(world: World, s: Stripe, scribble: addr_conv_t[]): Body<void> {
  const done = init_completion(world, 'gen_syndrome');
  const submit = new AsyncSubmitCtl(world);
  init_async_submit(submit, ASYNC_TX_ACK, null, signal(done), null, scribble);
  const tx = yield* async_gen_syndrome(
    s.pages.slice(0, s.spec.disks),
    s.offs,
    s.spec.disks,
    s.spec.bytes,
    submit,
  );
  yield* async_tx_issue_pending(tx);
  yield* waitCallback(done, 'gen_syndrome');
}

/**
 * raid6test.c raid6_dual_recov for blocks faila, failb (faila may equal failb: a single
 * failure, recovered with async_xor from P, or async_xor into P, or async_gen_syndrome with P
 * disabled for Q). The failed blocks are replaced by recovi/recovj filled with garbage.
 */
export function* recoverCase(
  world: World,
  s: Stripe,
  faila: number,
  failb: number,
  scribble: addr_conv_t[] | null,
): Body<Outcome> {
  const { disks, bytes } = s.spec;
  const recovi = disks;
  const recovj = disks + 1;
  const spare = s.pages[disks + 2]!;
  world.memory.view(s.pages[recovi]!.phys + s.offs[recovi]!, bytes).fill(0xf0);
  world.memory.view(s.pages[recovj]!.phys + s.offs[recovj]!, bytes).fill(0xba);
  if (faila > failb) [faila, failb] = [failb, faila];
  const ptrs = s.pages.slice(0, disks);
  const offs = s.offs.slice(0, disks);
  ptrs[faila] = s.pages[recovi]!;
  offs[faila] = s.offs[recovi]!;
  if (failb !== faila) {
    ptrs[failb] = s.pages[recovj]!;
    offs[failb] = s.offs[recovj]!;
  }
  const submit = new AsyncSubmitCtl(world);
  let tx: DmaAsyncTxDescriptor | null = null;
  let recovTx: DmaAsyncTxDescriptor | null = null;

  if (faila === failb) {
    if (faila === disks - 1) {
      // Q: the syndrome with P disabled.
      init_async_submit(submit, 0, null, null, null, scribble);
      const blocks: (Page | null)[] = [...ptrs];
      blocks[disks - 2] = null;
      tx = yield* async_gen_syndrome(blocks, offs, disks, bytes, submit);
    } else {
      // A data block or P: the xor of all the others but Q.
      const srcs: Page[] = [];
      const soffs: number[] = [];
      for (let i = 0; i < disks - 1; i++) {
        if (i === faila) continue;
        srcs.push(ptrs[i]!);
        soffs.push(offs[i]!);
      }
      init_async_submit(submit, ASYNC_TX_XOR_ZERO_DST, null, null, null, scribble);
      tx = yield* async_xor_offs(ptrs[faila]!, offs[faila]!, srcs, soffs, srcs.length, bytes, submit);
    }
  } else if (failb === disks - 1) {
    if (faila === disks - 2) {
      // P+Q failure: just rebuild the syndrome.
      init_async_submit(submit, 0, null, null, null, scribble);
      tx = yield* async_gen_syndrome(ptrs, offs, disks, bytes, submit);
    } else {
      // data+Q failure: the data from P, then the syndrome.
      const blocks: Page[] = [];
      const boffs: number[] = [];
      for (let i = disks; i-- > 0; ) {
        if (i === faila || i === failb) continue;
        blocks.push(ptrs[i]!);
        boffs.push(offs[i]!);
      }
      init_async_submit(submit, ASYNC_TX_XOR_ZERO_DST, null, null, null, scribble);
      tx = yield* async_xor_offs(ptrs[faila]!, offs[faila]!, blocks, boffs, blocks.length, bytes, submit);
      init_async_submit(submit, 0, tx, null, null, scribble);
      tx = yield* async_gen_syndrome(ptrs, offs, disks, bytes, submit);
    }
  } else if (failb === disks - 2) {
    init_async_submit(submit, 0, null, null, null, scribble);
    tx = yield* async_raid6_datap_recov(disks, bytes, faila, ptrs, offs, submit);
    recovTx = tx;
  } else {
    init_async_submit(submit, 0, null, null, null, scribble);
    tx = yield* async_raid6_2data_recov(disks, bytes, faila, failb, ptrs, offs, submit);
    recovTx = tx;
  }

  const done = init_completion(world, `val ${faila},${failb}`);
  const result = { value: ~0 };
  init_async_submit(submit, ASYNC_TX_ACK, tx, signal(done), null, scribble ?? []);
  tx = yield* async_syndrome_val(ptrs, offs, disks, bytes, result, spare, 0, submit);
  yield* async_tx_issue_pending(tx);
  yield* waitCallback(done, `syndrome_val ${faila},${failb}`);

  const recovered = [blockOf(world, s, recovi), blockOf(world, s, recovj)];
  return { faila, failb, recovered, result: result.value, tx: recovTx };
}

/** Every single and every double failure of the stripe, in raid6test's order. */
export function* allFailures(
  world: World,
  s: Stripe,
  scribble: addr_conv_t[] | null,
  each: (o: Outcome) => void,
): Body<void> {
  const { disks } = s.spec;
  for (let i = 0; i < disks; i++) each(yield* recoverCase(world, s, i, i, scribble));
  for (let i = 0; i < disks - 1; i++) {
    for (let j = i + 1; j < disks; j++) each(yield* recoverCase(world, s, i, j, scribble));
  }
}

/** The original contents of block i (data, or the syndrome computed from the data). */
export function expectedBlock(spec: StripeSpec, good: readonly Uint8Array[], i: number): Uint8Array {
  return i < spec.disks - 2 ? spec.data[i]! : good[i]!;
}
