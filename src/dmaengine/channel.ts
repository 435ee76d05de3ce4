import { type ChannelEvent, channelSpec } from '../../machines/channel.js';
import { Monitor } from '../kernel/monitor.js';
import type { World } from '../kernel/world.js';
import type { DmaAsyncTxDescriptor } from './descriptor.js';
import type { DmaDevice } from './device.js';
import type { DmaSlaveConfig, dma_cookie_t } from './types.js';

/** What the framework tracks of a channel, from trusted places only. */
export interface ChannelModel {
  readonly monitor: Monitor<typeof channelSpec.machine>;
  /** Descriptors prepared on the channel and not yet freed. */
  readonly live: Set<DmaAsyncTxDescriptor>;
  /** The last configuration accepted by dmaengine_slave_config. */
  config: DmaSlaveConfig | null;
  nextDesc: number;
  /** Calls of dma_async_issue_pending on this channel in progress (virt-dma issues only inside one). */
  issuing: number;
}

/**
 * struct dma_chan. `cookie` and `completed_cookie` are the provider's (through the cookie
 * helpers); `fw` is the framework's record, which providers never write.
 */
export class DmaChan {
  cookie: dma_cookie_t = 0;
  completed_cookie: dma_cookie_t = 0;
  client_count = 0;
  /** How many (capability, CPU) slots of the public channel table point here (dma_channel_rebalance). */
  table_count = 0;
  /** dma_request_chan's name ("dma:<name>") and client. */
  name: string;
  slave: string | null = null;
  readonly fw: ChannelModel;

  constructor(
    readonly world: World,
    readonly device: DmaDevice,
    public chan_id: number,
    name: string,
  ) {
    this.name = name;
    this.fw = {
      monitor: new Monitor(world, channelSpec, name),
      live: new Set(),
      config: null,
      nextDesc: 1,
      issuing: 0,
    };
  }

  observe(event: ChannelEvent, detail?: string): boolean {
    return this.fw.monitor.observe(event, detail);
  }
}
