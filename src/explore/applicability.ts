import type { DmaDevice } from '../dmaengine/device.js';

/**
 * What a provider's dma_device lets a legal client do, so that coverage is judged against the
 * transitions and rules that provider can reach: a device without DMA_CYCLIC has no period to
 * count, one without descriptor_reuse never recycles. A chart the provider does not use at all
 * (virt-dma, for a driver that keeps its own lists) is told apart by its counts instead.
 * `faults` is the campaign's, not the device's: only injected bus errors fail a burst.
 */
export type Trait = 'cyclic' | 'repeat' | 'metadata' | 'reuse' | 'pause' | 'faults';

export type ProviderTraits = Readonly<Record<Trait, boolean>>;

/** Every trait: what a report assumes when it does not know the provider. */
export const ALL_TRAITS: ProviderTraits = {
  cyclic: true,
  repeat: true,
  metadata: true,
  reuse: true,
  pause: true,
  faults: true,
};

/** The same traits for a campaign that injects no fault (`dmactor check`, fuzz's other phases). */
export function withoutFaults(traits: ProviderTraits): ProviderTraits {
  return { ...traits, faults: false };
}

export function traitsOf(device: DmaDevice): ProviderTraits {
  const caps = device.cap_mask;
  return {
    cyclic: caps.has('DMA_CYCLIC') && caps.has('DMA_SLAVE'),
    repeat: caps.has('DMA_REPEAT') && caps.has('DMA_LOAD_EOT') && caps.has('DMA_INTERLEAVE'),
    metadata: device.desc_metadata_modes.size > 0,
    reuse: device.descriptor_reuse,
    pause: device.device_pause !== undefined && device.device_resume !== undefined,
    faults: true,
  };
}

/** The trait a chart event needs (the event is the middle of a key `machine.state#EVENT#n`). */
const EVENT_NEEDS: Readonly<Record<string, Trait>> = {
  PREP_CYCLIC: 'cyclic',
  PERIOD: 'cyclic',
  CYCLIC_SET: 'cyclic',
  CYCLIC_CLEAR: 'cyclic',
  PREP_REPEAT: 'repeat',
  REPEAT: 'repeat',
  RESTART: 'repeat',
  METADATA_CLIENT: 'metadata',
  METADATA_ENGINE: 'metadata',
  SET_REUSE: 'reuse',
  CLEAR_REUSE: 'reuse',
  RECYCLE: 'reuse',
  // vchan_tx_desc_free: dmaengine_desc_free of a reusable descriptor.
  DESC_FREE: 'reuse',
  PAUSE: 'pause',
  RESUME: 'pause',
  BUS_ERROR: 'faults',
  CLEAR_ERROR: 'faults',
};

/** The trait a transition needs, or null when every provider can take it. */
export function transitionNeeds(key: string): Trait | null {
  // A cyclic descriptor's periods (live.period.*) and the vchan's cyclic pointer.
  if (key.startsWith('descriptor.live.period.') || key.startsWith('virtualChannel.cyclic.')) return 'cyclic';
  if (key.startsWith('hardwareChannel.engine.paused')) return 'pause';
  if (key.startsWith('channel.allocated.activity.paused')) return 'pause';
  return EVENT_NEEDS[key.split('#')[1] ?? ''] ?? null;
}

/** The trait a rule needs to be checked at all, or null when every provider's runs check it. */
export function ruleNeeds(id: string): Trait | null {
  if (id.includes('metadata') || id === 'descriptor.client-use-after-submit') return 'metadata';
  if (id === 'descriptor.period-not-running' || id === 'virtualChannel.cyclic-clear-empty') return 'cyclic';
  if (id.includes('repeat')) return 'repeat';
  if (id.includes('recycle') || id === 'virtualChannel.desc-free-unallocated') return 'reuse';
  if (id.includes('pause') || id.includes('resume')) return 'pause';
  if (id === 'hardware-channel.clear-error-without-error' || id === 'hardware-channel.error-without-access')
    return 'faults';
  return null;
}
