import type { channelSpec } from '../../machines/channel.js';
import type { Monitor } from '../kernel/monitor.js';
import { Slotted } from '../kernel/object-slot.js';
import type { World } from '../kernel/world.js';
import type { DmaAsyncTxDescriptor } from './descriptor.js';
import type { DmaDevice } from './device.js';
import { chanModel } from './record.js';
import type { DmaSlaveConfig, dma_cookie_t } from './types.js';

/** What the framework tracks of a channel, from trusted places only (kept in record.ts, never on the channel). */
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
 * helpers). The framework's record of it (ChannelModel) is kept apart, in record.ts.
 */
export class DmaChan extends Slotted {
  cookie: dma_cookie_t = 0;
  completed_cookie: dma_cookie_t = 0;
  client_count = 0;
  /** How many (capability, CPU) slots of the public channel table point here (dma_channel_rebalance). */
  table_count = 0;
  /** dma_request_chan's name ("dma:<name>") and client. */
  name: string;
  slave: string | null = null;

  constructor(
    readonly world: World,
    readonly device: DmaDevice,
    public chan_id: number,
    name: string,
  ) {
    super();
    this.name = name;
    chanModel(this); // the channel's monitor is created with it, in the world's monitor order
  }
}
