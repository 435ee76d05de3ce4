import { channelMachine } from '../../machines/channel.js';
import { descriptorMachine } from '../../machines/descriptor.js';
import { stateQuery } from '../kernel/state-query.js';

/**
 * The states of the descriptor and channel charts that the framework and the invariants ask
 * about, as StateQuery objects: each checked against its machine when this module loads, each
 * answered by an array read (src/kernel/state-query.ts).
 */

/** The descriptor's `life` region, one query per state. */
export const TX_LIFE = {
  prepared: stateQuery(descriptorMachine, 'live.life.prepared'),
  submitted: stateQuery(descriptorMachine, 'live.life.submitted'),
  issued: stateQuery(descriptorMachine, 'live.life.issued'),
  active: stateQuery(descriptorMachine, 'live.life.active'),
  completed: stateQuery(descriptorMachine, 'live.life.completed'),
  callbackPending: stateQuery(descriptorMachine, 'live.life.callbackPending'),
  callback: stateQuery(descriptorMachine, 'live.life.callback'),
  done: stateQuery(descriptorMachine, 'live.life.done'),
  aborted: stateQuery(descriptorMachine, 'live.life.aborted'),
} as const;

/** The descriptor's other states that are asked about. */
export const TX_STATE = {
  freed: stateQuery(descriptorMachine, 'freed'),
  acked: stateQuery(descriptorMachine, 'live.ack.acked'),
  reusable: stateQuery(descriptorMachine, 'live.reuse.reusable'),
} as const;

/** The channel's activity, as asked about. */
export const CHAN_STATE = {
  busy: stateQuery(channelMachine, 'allocated.activity.busy'),
  paused: stateQuery(channelMachine, 'allocated.activity.paused'),
  terminating: stateQuery(channelMachine, 'allocated.activity.terminating'),
} as const;
