import { defineProvider, type ProbeContext } from './contract.js';
import { createRefDma, type RefDmaOptions } from './refdma.js';

/** refdma under the provider contract, with options for the variants built on it. */
export function refdmaProvider(name = 'refdma', options: Omit<RefDmaOptions, 'controller'> = {}) {
  return defineProvider({
    name,
    controller: { channels: 2 },
    probe: (ctx: ProbeContext) => probeRefdma(ctx, options),
  });
}

export function probeRefdma(ctx: ProbeContext, options: Omit<RefDmaOptions, 'controller'> = {}) {
  // Object.assign, not a spread followed by the board's fields (docs/architecture.md).
  const board: RefDmaOptions = {
    name: ctx.controller.name,
    controller: ctx.controller,
    devices: ctx.devices,
    slaveMap: ctx.slaveMap,
    virtualChannels: ctx.virtualChannels,
  };
  return createRefDma(ctx.world, ctx.dev, Object.assign({}, options, board)).device;
}

export default refdmaProvider();
