import { dma_get_slave_caps, emptyCaps } from '../dmaengine/client.js';
import type { DmaDevice } from '../dmaengine/device.js';
import { registerDevice } from '../dmaengine/registry.js';
import { BIT, DMA_DEV_TO_MEM, DMA_MEM_TO_DEV } from '../dmaengine/types.js';
import { ProviderThrew } from '../explore/campaign.js';
import { Blamed } from '../kernel/blame.js';
import { World } from '../kernel/world.js';
import type { ProviderDefinition } from '../providers/contract.js';
import { defineRule, type Rule } from '../rules/rule.js';
import { cites, kernelSource, type Source, section } from '../rules/sources.js';
import { createBoard } from '../scenarios/board.js';

/** A conformance finding: a rule the provider's dma_device breaks before any transfer runs. */
export interface ConformanceFinding {
  readonly rule: Rule;
  readonly detail: string;
}

const rule = (id: string, text: string, source: Source): Rule =>
  defineRule({ id: `conformance.${id}`, rule: text, source, side: 'provider', kind: 'safety' });

export const ConformanceRules = {
  register: rule(
    'register',
    'dma_async_device_register accepts the device.',
    kernelSource('drivers/dma/dmaengine.c', 'dma_async_device_register() (reference §3.5)'),
  ),
  slaveOps: rule(
    'slave-ops',
    'A DMA_SLAVE device has device_prep_slave_sg, device_config and device_terminate_all (the kernel no longer checks this at register).',
    cites(
      section('provider.rst', 'Device operations', '(device_config is "mandatory for slave operations")'),
      section('kernel-dmaengine-rules.md', '§3.5', '"Not checked today"'),
    ),
  ),
  slaveCaps: rule(
    'slave-caps',
    'A slave device declares its directions and its source and destination address widths, and dma_get_slave_caps succeeds on its channels.',
    cites(
      section(
        'provider.rst',
        'struct dma_device Initialization',
        '(src_addr_widths, dst_addr_widths, directions)',
      ),
      kernelSource('include/linux/dmaengine.h', 'dma_get_slave_caps()'),
    ),
  ),
  repeat: rule(
    'repeat-needs-interleave',
    'DMA_REPEAT is set only with DMA_INTERLEAVE, and DMA_LOAD_EOT only with DMA_REPEAT.',
    cites(
      section(
        'provider.rst',
        'Supported transaction types: DMA_REPEAT',
        '("this flag should thus not be set if the DMA_INTERLEAVE flag isn\'t set")',
      ),
      section('provider.rst', 'Supported transaction types: DMA_LOAD_EOT'),
    ),
  ),
  asyncTx: rule(
    'async-tx-flag',
    'A driver never sets DMA_ASYNC_TX itself; the framework does.',
    section('provider.rst', 'Supported transaction types', '(DMA_ASYNC_TX: "Must not be set by the device")'),
  ),
  pauseResume: rule(
    'pause-resume-pair',
    'device_pause and device_resume come together.',
    cites(
      section('provider.rst', 'Device operations', '(device_pause, device_resume)'),
      section('client.rst', 'Further APIs: 2. Pause API'),
      section('client.rst', 'Further APIs: 3. Resume API'),
    ),
  ),
  allocFree: rule(
    'alloc-free-pair',
    'device_alloc_chan_resources and device_free_chan_resources come together.',
    section('provider.rst', 'Device operations', '(device_alloc_chan_resources, device_free_chan_resources)'),
  ),
  bursts: rule(
    'bursts',
    'min_burst does not exceed max_burst.',
    kernelSource('include/linux/dmaengine.h', 'struct dma_device (min_burst, max_burst)'),
  ),
  channels: rule(
    'channels',
    'The device has at least one channel, and each channel points back to it.',
    section('provider.rst', 'struct dma_device Initialization', '(channels)'),
  ),
} as const;

/** Probe the provider on a fresh board and check its dma_device before any transfer runs. */
export function checkConformance(def: ProviderDefinition): ConformanceFinding[] {
  const out: ConformanceFinding[] = [];
  const world = new World({ seed: 1 });
  let board: ReturnType<typeof createBoard>;
  try {
    board = createBoard(world, { provider: def, invariants: false, register: false });
  } catch (error) {
    // instantiate claims what probe throws; anything else is the board's own crash.
    if (error instanceof Blamed) return [{ rule: error.rule, detail: error.detail }];
    return [{ rule: ProviderThrew, detail: `probe threw: ${String((error as Error)?.message ?? error)}` }];
  }
  const d: DmaDevice = board.dma.device;
  const fail = (r: Rule, detail: string) => out.push({ rule: r, detail });
  const caps = d.cap_mask;
  if (caps.has('DMA_ASYNC_TX')) fail(ConformanceRules.asyncTx, 'cap_mask has DMA_ASYNC_TX');
  const reg = registerDevice(d);
  if (reg.ret !== 0) fail(ConformanceRules.register, `-${-reg.ret}: ${reg.reason}`);
  if (caps.has('DMA_SLAVE')) {
    const missing = (['device_prep_slave_sg', 'device_config', 'device_terminate_all'] as const).filter(
      (op) => !d[op],
    );
    if (missing.length > 0) fail(ConformanceRules.slaveOps, `DMA_SLAVE without ${missing.join(', ')}`);
    if (!d.directions || !(d.directions & (BIT(DMA_MEM_TO_DEV) | BIT(DMA_DEV_TO_MEM)))) {
      fail(ConformanceRules.slaveCaps, 'no slave direction in `directions`');
    }
    if (!d.src_addr_widths || !d.dst_addr_widths)
      fail(ConformanceRules.slaveCaps, 'src_addr_widths or dst_addr_widths is 0');
    const chan = d.channels[0];
    if (chan && reg.ret === 0) {
      const ret = dma_get_slave_caps(chan, emptyCaps());
      if (ret !== 0) fail(ConformanceRules.slaveCaps, `dma_get_slave_caps returns ${ret}`);
    }
  }
  if (caps.has('DMA_REPEAT') && !caps.has('DMA_INTERLEAVE'))
    fail(ConformanceRules.repeat, 'DMA_REPEAT without DMA_INTERLEAVE');
  if (caps.has('DMA_LOAD_EOT') && !caps.has('DMA_REPEAT'))
    fail(ConformanceRules.repeat, 'DMA_LOAD_EOT without DMA_REPEAT');
  if (!d.device_pause !== !d.device_resume)
    fail(
      ConformanceRules.pauseResume,
      d.device_pause ? 'device_pause without device_resume' : 'device_resume without device_pause',
    );
  if (!d.device_alloc_chan_resources !== !d.device_free_chan_resources) {
    fail(
      ConformanceRules.allocFree,
      d.device_alloc_chan_resources ? 'alloc without free' : 'free without alloc',
    );
  }
  if (d.min_burst > d.max_burst && d.max_burst > 0)
    fail(ConformanceRules.bursts, `min_burst ${d.min_burst} > max_burst ${d.max_burst}`);
  if (d.channels.length === 0) fail(ConformanceRules.channels, 'no channels');
  for (const c of d.channels)
    if (c.device !== d) fail(ConformanceRules.channels, `${c.name} belongs to another device`);
  return out;
}
