import { channelSpec } from './channel.js';
import { descriptorSpec } from './descriptor.js';
import { hardwareChannelSpec } from './hardware-channel.js';
import type { MachineSpec } from './spec.js';
import { taskletSpec } from './tasklet.js';
import { virtualChannelSpec } from './virtual-channel.js';

/** Every statechart of the model. */
export const machineSpecs: readonly MachineSpec[] = [
  channelSpec,
  descriptorSpec,
  virtualChannelSpec,
  hardwareChannelSpec,
  taskletSpec,
] as readonly MachineSpec[];
