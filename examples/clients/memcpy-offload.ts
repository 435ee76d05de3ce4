/**
 * A memcpy offload with async_tx (async-tx-api.rst), as a RAID or network driver uses it: copy
 * a page to a bounce page and on to its destination as a dependency chain, the callback on the
 * last operation, ASYNC_TX_ACK on it, async_tx_issue_pending_all to start, and the CPU reading
 * the result only after the callback. On a public offload engine (xordma) the chain runs on
 * the engine; on a private device (refdma) async_tx takes the CPU path, and the client's code
 * is the same.
 *
 *   npx dmactor check-client examples/clients/memcpy-offload.ts
 */
import {
  ASYNC_TX_ACK,
  AsyncSubmitCtl,
  async_memcpy,
  async_tx_issue_pending_all,
  complete,
  cpu_read,
  cpu_write,
  defineClient,
  init_async_submit,
  init_completion,
  PAGE_SIZE,
  type Page,
  type TaskBody,
  wait_for_completion,
} from 'dmactor';

export default defineClient({
  name: 'memcpy-offload',
  providers: ['xordma', 'refdma'],
  threads: ({ world }) => {
    /** alloc_page: async_tx works on pages. */
    const alloc_page = (label: string): Page => ({
      phys: world.memory.alloc(PAGE_SIZE, { label, align: PAGE_SIZE }),
    });

    function* offload(): TaskBody {
      const src = alloc_page('src');
      const bounce = alloc_page('bounce');
      const dst = alloc_page('dst');
      const data = new Uint8Array(PAGE_SIZE).map((_, i) => (i * 7) & 0xff);
      cpu_write(world, src.phys, data);
      const done = init_completion(world, 'copied');
      const submit = new AsyncSubmitCtl(world);
      // First hop: no ack (the second hop depends on it), no callback.
      init_async_submit(submit, 0, null, null, null, null);
      const first = yield* async_memcpy(bounce, src, 0, 0, PAGE_SIZE, submit);
      // Second hop behind it: acked, with the callback that ends the chain.
      init_async_submit(
        submit,
        ASYNC_TX_ACK,
        first,
        () => {
          complete(done);
          return undefined;
        },
        null,
        null,
      );
      yield* async_memcpy(dst, bounce, 0, 0, PAGE_SIZE, submit);
      yield* async_tx_issue_pending_all(world);
      yield* wait_for_completion(done);
      const got = cpu_read(world, dst.phys, PAGE_SIZE);
      if (got === null || got.some((b, i) => b !== data[i]))
        throw new Error('the copy differs from the source');
      for (const page of [src, bounce, dst]) world.memory.free(page.phys);
    }

    return { offload };
  },
});
