import type { BusErrorKind, BusSpan, BusTranslator, DmaController } from '../hw/dma-controller.js';
import { setBusTranslator } from '../hw/dma-controller.js';
import type { Device } from '../kernel/device.js';
import { hex } from '../kernel/memory.js';
import type { DeviceDma, DmaMappingLayer } from '../mapping/layer.js';
import { checkUserReleased, noteMappingUse } from '../mapping/leaks.js';
import { MappingRules } from '../mapping/rules.js';
import { faultDetail, translateBus } from '../mapping/translate.js';
import { DmaAsyncTxDescriptor, type Seg, type TxLayout } from './descriptor.js';
import { type DmaEventOf, dmaBus } from './events.js';
import { chanId, txModel } from './record.js';

/**
 * What dmaengine does for a world's DMA mapping layer, which knows nothing of dmaengine: it
 * makes the layer the bus translator of the world's controllers (a controller's struct device
 * is the registered dma_device's `dev`), and feeds the layer's leak checks from what the
 * framework sees (a prep names bus addresses of the channel's device; a channel's resources
 * are freed). Installed for every new layer (`onDmaMappingSetup`, in registry.ts).
 */
export function attachDmaMappingBus(
  layer: DmaMappingLayer,
  deviceOf: (ctl: DmaController) => Device | null,
): void {
  setBusTranslator(layer.world, new MappedBus(layer, deviceOf));
  dmaBus(layer.world).on(['prep', 'chan-resources'], (event) => observe(layer, event));
}

/** The controllers' path to RAM through the mapping layer; faults are reported with whose they are. */
class MappedBus implements BusTranslator {
  private readonly controllers = new Map<DmaController, DeviceDma>();
  /** The controller translated for last, and its device (bursts come in runs). */
  private lastCtl: DmaController | null = null;
  private lastCtlState: DeviceDma | undefined = undefined;

  constructor(
    private readonly layer: DmaMappingLayer,
    private readonly deviceOf: (ctl: DmaController) => Device | null,
  ) {}

  translate(
    ctl: DmaController,
    bus: number,
    len: number,
    access: BusErrorKind,
    out: BusSpan,
    tag: unknown,
  ): boolean {
    const st = this.controllerDevice(ctl);
    if (st !== undefined && translateBus(this.layer, st, ctl.name, bus, access, out)) return true;
    const detail =
      st === undefined
        ? `${ctl.name} ${access}s ${len} bytes at bus address ${hex(bus)}, but ${ctl.name} belongs to no registered dma_device`
        : faultDetail(this.layer, st, ctl.name, bus, len, access);
    const tx = tag instanceof DmaAsyncTxDescriptor ? tag : null;
    const model = tx === null ? null : txModel(tx);
    const segs = model ? layoutSegs(model.layout) : null;
    if (tx !== null && segs !== null && !segs.some((s) => bus >= s.addr && bus < s.addr + s.len)) {
      // Not an address the client gave: the provider programmed the controller wrongly.
      const asked = segs.map((s) => `${hex(s.addr)}+${s.len}`).join(', ');
      this.layer.report(MappingRules.deviceOutsideTransfer, `${detail}; ${tx.name} names ${asked}`, tx.name);
    } else {
      this.layer.report(MappingRules.iommuFault, detail, ctl.name);
    }
    return false;
  }

  private controllerDevice(ctl: DmaController): DeviceDma | undefined {
    if (ctl === this.lastCtl) return this.lastCtlState;
    let st = this.controllers.get(ctl);
    if (st === undefined) {
      const dev = this.deviceOf(ctl);
      if (dev === null) return undefined;
      st = this.layer.device(dev);
      this.controllers.set(ctl, st);
    }
    this.lastCtl = ctl;
    this.lastCtlState = st;
    return st;
  }
}

/** A prep associates the mappings it names with its channel; a channel's release checks them. */
function observe(layer: DmaMappingLayer, event: DmaEventOf<'prep' | 'chan-resources'>): void {
  if (event.type === 'prep') {
    const layout = txModel(event.tx)?.layout;
    const dev = event.tx.chan.device.dev;
    if (layout === undefined || dev === null) return;
    noteMappingUse(layer, dev, event.tx.chan, layoutSegs(layout));
  } else if (event.type === 'chan-resources' && event.phase === 'free') {
    checkUserReleased(layer, event.chan, chanId(event.chan));
  }
}

/** Every memory segment a transfer's layout names (both sides of a copy). */
function layoutSegs(layout: TxLayout): readonly Seg[] {
  return layout.kind === 'copy' ? [...layout.mem, ...layout.src] : layout.mem;
}
