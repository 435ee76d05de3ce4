/**
 * classic-dma: a provider written the way DMA drivers were before virt-dma, and the worked
 * example of docs/providers.md. Each channel has its own lock, its own descriptor lists and
 * its own completion tasklet; the interrupt handler completes the running descriptor and the
 * tasklet starts the next one and runs the callbacks (the classic design provider.rst's
 * "General Design Notes" describes, slower than starting in the handler, but correct).
 * One physical channel per DMA channel, so there is no arbitration.
 */
import {
  BIT,
  type Body,
  DMA_DEV_TO_MEM,
  DMA_MEM_TO_DEV,
  DMA_MEM_TO_MEM,
  DmaAsyncTxDescriptor,
  type DmaChan,
  type DmaController,
  type DmaDevice,
  type DmaengineResult,
  type DmaSlaveConfig,
  type DmaStatus,
  type DmaTransferDirection,
  type DmaTxState,
  defineProvider,
  dma_async_tx_descriptor_init,
  dma_chan_create,
  dma_cookie_assign,
  dma_cookie_complete,
  dma_cookie_init,
  dma_cookie_status,
  type dma_cookie_t,
  dma_descriptor_free,
  dma_device_init,
  dma_set_residue,
  dmaengine_desc_callback_invoke,
  dmaengine_desc_get_callback,
  type IrqReturn,
  type Lli,
  type PrepResult,
  request_irq,
  type ScatterEntry,
  type Spinlock,
  spin_lock,
  spin_lock_init,
  spin_lock_irqsave,
  spin_unlock,
  spin_unlock_irqrestore,
  type TaskBody,
  type Tasklet,
  tasklet_kill,
  tasklet_schedule,
  tasklet_setup,
  type YieldPoint,
} from 'dmactor';

interface Desc {
  readonly tx: DmaAsyncTxDescriptor;
  readonly llis: Lli[];
  readonly size: number;
  result: DmaengineResult;
}

interface Chan {
  readonly chan: DmaChan;
  readonly phy: number;
  readonly lock: Spinlock;
  tasklet: Tasklet;
  config: DmaSlaveConfig | null;
  /** Submitted, not yet issued. */
  readonly queue: Desc[];
  /** Issued, waiting for the hardware. */
  readonly issued: Desc[];
  running: Desc | null;
  /** Completed, waiting for the tasklet to call back and free them. */
  readonly done: Desc[];
  paused: boolean;
}

const MAX_ITEM = 4096;

/**
 * The driver's device: the dma_device and what the driver keeps per controller, as a kernel
 * driver embeds struct dma_device in a struct of its own. The operations below are defined
 * once, at module level, and reach it from the channel (to_classic, the container_of): a
 * generator function written inside probe would be a new closure per world, which slows every
 * campaign on the provider (docs/providers.md).
 */
interface ClassicDma extends DmaDevice {
  readonly controller: DmaController;
  readonly chans: Chan[];
  readonly descOf: Map<DmaAsyncTxDescriptor, Desc>;
}

/** container_of(chan->device, struct classic_dma, dma). */
function to_classic(chan: DmaChan): ClassicDma {
  return chan.device as ClassicDma;
}

function to_chan(chan: DmaChan): Chan {
  return to_classic(chan).chans[chan.chan_id]!;
}

/** Start the first issued descriptor (lock held). */
function start_next(dma: ClassicDma, c: Chan): void {
  const d = c.issued.shift();
  if (!d) return;
  c.running = d;
  dma.controller.start(c.phy, d.llis[0]!);
}

function* classic_tx_submit(tx: DmaAsyncTxDescriptor): Body<number> {
  const dma = to_classic(tx.chan);
  const c = to_chan(tx.chan);
  const flags = yield* spin_lock_irqsave(c.lock);
  const cookie = dma_cookie_assign(tx);
  c.queue.push(dma.descOf.get(tx)!);
  spin_unlock_irqrestore(c.lock, flags);
  return cookie;
}

/** A descriptor for `items` (prep may run in interrupt context: no lock, no sleep). */
function prepare(chan: DmaChan, items: Lli[], flags: number): DmaAsyncTxDescriptor {
  const tx = new DmaAsyncTxDescriptor(chan);
  dma_async_tx_descriptor_init(tx, chan);
  tx.flags = flags;
  tx.tx_submit = classic_tx_submit;
  items.forEach((item, i) => {
    item.tag = tx;
    item.next = items[i + 1] ?? null;
  });
  items[items.length - 1]!.irq = true;
  const d: Desc = {
    tx,
    llis: items,
    size: items.reduce((n, x) => n + x.len, 0),
    result: { result: 'DMA_TRANS_NOERROR', residue: 0 },
  };
  to_classic(chan).descOf.set(tx, d);
  return tx;
}

/** The tasklet: start the next transfer, then call back and free the completed ones. */
function* classic_tasklet(dma: ClassicDma, c: Chan): TaskBody {
  const flags = yield* spin_lock_irqsave(c.lock);
  if (c.running === null && !c.paused) start_next(dma, c);
  const done = c.done.splice(0);
  spin_unlock_irqrestore(c.lock, flags);
  for (const d of done) {
    const cb = dmaengine_desc_get_callback(d.tx);
    yield* dmaengine_desc_callback_invoke(cb, d.result); // no lock held, softirq context
    dma_descriptor_free(d.tx);
    yield { kind: 'preempt', label: 'next callback' };
  }
}

/** The interrupt handler: complete the running descriptor and schedule the tasklet. */
function* classic_irq(dma: ClassicDma): Generator<YieldPoint, IrqReturn, void> {
  const controller = dma.controller;
  let handled = false;
  for (const c of dma.chans) {
    const st = controller.intStatus(c.phy);
    if (!st.tc && st.err === null) continue;
    handled = true;
    controller.clearInt(c.phy);
    yield* spin_lock(c.lock);
    const d = c.running;
    if (d && (st.err !== null || controller.state(c.phy) === 'idle')) {
      if (st.err !== null) {
        d.result = {
          result: st.err === 'read' ? 'DMA_TRANS_READ_FAILED' : 'DMA_TRANS_WRITE_FAILED',
          residue: d.size,
        };
        controller.clearError(c.phy);
      }
      dma_cookie_complete(d.tx);
      c.done.push(d);
      c.running = null;
      tasklet_schedule(c.tasklet);
    }
    spin_unlock(c.lock);
  }
  return handled ? 'IRQ_HANDLED' : 'IRQ_NONE';
}

function* classic_alloc_chan_resources(): Body<number> {
  return 0;
}

function* classic_free_chan_resources(chan: DmaChan): Body<void> {
  const c = to_chan(chan);
  const flags = yield* spin_lock_irqsave(c.lock);
  const left = c.queue.splice(0);
  spin_unlock_irqrestore(c.lock, flags);
  for (const d of left) dma_descriptor_free(d.tx);
}

function* classic_config(chan: DmaChan, config: DmaSlaveConfig): Body<number> {
  to_chan(chan).config = { ...config };
  return 0;
}

function* classic_prep_slave_sg(
  chan: DmaChan,
  sgl: readonly ScatterEntry[],
  direction: DmaTransferDirection,
  flags: number,
): PrepResult {
  const cfg = to_chan(chan).config;
  if (!cfg || (direction !== DMA_MEM_TO_DEV && direction !== DMA_DEV_TO_MEM) || sgl.length === 0) return null;
  const toDev = direction === DMA_MEM_TO_DEV;
  const width = toDev ? cfg.dst_addr_width : cfg.src_addr_width;
  const burst = Math.max(1, Math.min(8, toDev ? cfg.dst_maxburst : cfg.src_maxburst));
  if (!width || sgl.some((sg) => sg.length <= 0 || sg.length % width !== 0)) return null;
  const fifo = toDev ? cfg.dst_addr : cfg.src_addr;
  const items: Lli[] = sgl.map((sg) => ({
    src: toDev ? sg.dma_address : fifo,
    dst: toDev ? fifo : sg.dma_address,
    len: sg.length,
    srcInc: toDev,
    dstInc: !toDev,
    srcWidth: width,
    dstWidth: width,
    srcBurst: burst,
    dstBurst: burst,
    irq: false,
    next: null,
  }));
  return prepare(chan, items, flags);
}

function* classic_prep_dma_memcpy(
  chan: DmaChan,
  dest: number,
  src: number,
  len: number,
  flags: number,
): PrepResult {
  if (len <= 0) return null;
  const items: Lli[] = [];
  for (let off = 0; off < len; off += MAX_ITEM) {
    const n = Math.min(MAX_ITEM, len - off);
    items.push({
      src: src + off,
      dst: dest + off,
      len: n,
      srcInc: true,
      dstInc: true,
      srcWidth: 1,
      dstWidth: 1,
      srcBurst: 8,
      dstBurst: 8,
      irq: false,
      next: null,
    });
  }
  return prepare(chan, items, flags);
}

function* classic_issue_pending(chan: DmaChan): Body<void> {
  const c = to_chan(chan);
  const flags = yield* spin_lock_irqsave(c.lock);
  c.issued.push(...c.queue.splice(0));
  if (c.running === null && !c.paused) start_next(to_classic(chan), c);
  spin_unlock_irqrestore(c.lock, flags);
}

function* classic_tx_status(chan: DmaChan, cookie: dma_cookie_t, state: DmaTxState | null): Body<DmaStatus> {
  const ret = dma_cookie_status(chan, cookie, state);
  if (ret === 'DMA_COMPLETE') return ret;
  const controller = to_classic(chan).controller;
  const c = to_chan(chan);
  const flags = yield* spin_lock_irqsave(c.lock);
  let residue = 0;
  const r = c.running;
  if (r && r.tx.cookie === cookie) {
    // Segment granularity: the items not finished yet.
    const at = r.llis.indexOf(controller.currentItem(c.phy) as Lli);
    residue =
      at < 0
        ? controller.state(c.phy) === 'idle'
          ? 0
          : r.size
        : r.llis.slice(at).reduce((n, x) => n + x.len, 0);
  } else {
    const d = [...c.issued, ...c.queue].find((x) => x.tx.cookie === cookie);
    if (d) residue = d.size;
  }
  const status: DmaStatus = c.paused ? 'DMA_PAUSED' : ret;
  spin_unlock_irqrestore(c.lock, flags);
  dma_set_residue(state, residue);
  return status;
}

function* classic_pause(chan: DmaChan): Body<number> {
  const controller = to_classic(chan).controller;
  const c = to_chan(chan);
  const flags = yield* spin_lock_irqsave(c.lock);
  const hw = controller.state(c.phy);
  if (!c.paused && (hw === 'loading' || hw === 'transferring')) controller.pause(c.phy);
  c.paused = true;
  spin_unlock_irqrestore(c.lock, flags);
  return 0;
}

function* classic_resume(chan: DmaChan): Body<number> {
  const dma = to_classic(chan);
  const c = to_chan(chan);
  const flags = yield* spin_lock_irqsave(c.lock);
  if (c.paused) {
    c.paused = false;
    if (dma.controller.state(c.phy) === 'paused') dma.controller.resume(c.phy);
    else if (c.running === null) start_next(dma, c);
  }
  spin_unlock_irqrestore(c.lock, flags);
  return 0;
}

function* classic_terminate_all(chan: DmaChan): Body<number> {
  const controller = to_classic(chan).controller;
  const c = to_chan(chan);
  const flags = yield* spin_lock_irqsave(c.lock);
  controller.abort(c.phy);
  controller.clearInt(c.phy);
  const gone = [...c.queue.splice(0), ...c.issued.splice(0), ...c.done.splice(0)];
  if (c.running) gone.push(c.running);
  c.running = null;
  c.paused = false;
  spin_unlock_irqrestore(c.lock, flags);
  // Freed now: none of them will be called back. A callback the tasklet already took
  // may still be running: that is what device_synchronize waits for.
  for (const d of gone) dma_descriptor_free(d.tx);
  return 0;
}

function* classic_synchronize(chan: DmaChan): Body<void> {
  yield* tasklet_kill(to_chan(chan).tasklet);
}

export default defineProvider({
  name: 'classic-dma',
  controller: { channels: 8, fixed: true },
  probe(ctx) {
    const { world, controller } = ctx;
    const dma: ClassicDma = dma_device_init({
      dev: ctx.dev,
      cap_mask: new Set(['DMA_SLAVE', 'DMA_MEMCPY', 'DMA_PRIVATE']),
      src_addr_widths: BIT(1) | BIT(2) | BIT(4),
      dst_addr_widths: BIT(1) | BIT(2) | BIT(4),
      directions: BIT(DMA_MEM_TO_DEV) | BIT(DMA_DEV_TO_MEM) | BIT(DMA_MEM_TO_MEM),
      min_burst: 1,
      max_burst: 8,
      residue_granularity: 'DMA_RESIDUE_GRANULARITY_SEGMENT',
      hw: controller,
      filter: { map: ctx.slaveMap, fn: (chan, param) => chan.chan_id === (param as { chan: number }).chan },

      device_alloc_chan_resources: classic_alloc_chan_resources,
      device_free_chan_resources: classic_free_chan_resources,
      device_config: classic_config,
      device_prep_slave_sg: classic_prep_slave_sg,
      device_prep_dma_memcpy: classic_prep_dma_memcpy,
      device_issue_pending: classic_issue_pending,
      device_tx_status: classic_tx_status,
      device_pause: classic_pause,
      device_resume: classic_resume,
      device_terminate_all: classic_terminate_all,
      device_synchronize: classic_synchronize,

      controller,
      chans: [],
      descOf: new Map(),
    });

    // Ordinary closures that call the module-level generators cost nothing per world.
    const irq = request_irq(world, 'classic-dma.irq', () => classic_irq(dma));
    controller.connectIrq(irq);

    const count = Math.min(ctx.virtualChannels, controller.channels);
    for (let i = 0; i < count; i++) {
      const chan = dma_chan_create(world, dma, i);
      dma_cookie_init(chan);
      const c: Chan = {
        chan,
        phy: i,
        lock: spin_lock_init(world, `classic.ch${i}.lock`),
        tasklet: null as unknown as Tasklet,
        config: null,
        queue: [],
        issued: [],
        running: null,
        done: [],
        paused: false,
      };
      c.tasklet = tasklet_setup(world, `classic.ch${i}.tasklet`, () => classic_tasklet(dma, c));
      dma.chans.push(c);
    }
    return dma;
  },
});
