import {
  createXorDma,
  type DmaDevice,
  defineProvider,
  type ProbeContext,
  probeRefdma,
  type XorDma,
} from 'dmactor';

/**
 * A mutant: the reference provider with one change. Each file in this folder reproduces one
 * bug class from the reference notes (kernel-dmaengine-rules.md §8) and names it.
 */
export function mutant(name: string, change: (device: DmaDevice, ctx: ProbeContext) => void) {
  return defineProvider({
    name: `mutant:${name}`,
    controller: { channels: 2 },
    probe: (ctx) => {
      const device = probeRefdma(ctx);
      change(device, ctx);
      return device;
    },
  });
}

/** A mutant of xordma, the offload engine for async_tx: its driver object changed by `change`. */
export function xordmaMutant(name: string, change: (xd: XorDma, ctx: ProbeContext) => void) {
  return defineProvider({
    name: `mutant:${name}`,
    controller: { channels: 8, fixed: true },
    probe: (ctx) => {
      const xd = createXorDma(ctx);
      change(xd, ctx);
      return xd.device;
    },
  });
}
