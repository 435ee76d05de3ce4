import type { Op, ThreadProgram, Workload } from './workload.js';
import { descriptorCount } from './workload.js';

/**
 * The benchmark's standard workloads (issue 4): fixed, so numbers are comparable over time.
 * W1: 2 channels, 2 client threads, 16 descriptors.
 * W2: 8 channels, 4 client threads, 128 descriptors, cyclic and slave mixed.
 */
function slaveOps(on: number, count: number, waitEvery: number): Op[] {
  const ops: Op[] = [];
  for (let i = 0; i < count; i++) {
    ops.push({
      op: 'slave',
      on,
      lens: i % 3 === 0 ? [32, 64] : [48],
      callback: i % 4 === 1 ? 'read-residue' : 'none',
      reuse: false,
    });
    if (i % waitEvery === waitEvery - 1) ops.push({ op: 'wait', on });
  }
  return ops;
}

/**
 * W1's shape with `descriptors` descriptors (an even number): half slave transfers on a UART's
 * tx channel, half memcpys of 256 to 928 bytes, a wait every four on each. The bench's scaling
 * rows (16 to 1,024) run it; W1 is its 16.
 */
export function w1Shape(descriptors: number): Workload {
  const half = descriptors / 2;
  return {
    board: { uarts: 1, physicalChannels: 2, fifoDepth: 8 },
    threads: [
      { channels: [{ kind: 'tx', uart: 0 }], ops: [...slaveOps(0, half, 4), { op: 'status', on: 0 }] },
      {
        channels: [{ kind: 'mem' }],
        ops: Array.from({ length: half }, (_, i): Op[] => [
          { op: 'memcpy', on: 0, len: 256 + 96 * (i % 8), callback: 'none' },
          ...(i % 4 === 3 ? [{ op: 'wait', on: 0 } as Op] : []),
        ]).flat(),
      },
    ],
  };
}

export const W1: Workload = w1Shape(16);

function w2Thread(uart: number): ThreadProgram {
  // Channel 0: tx with a cyclic ring in the middle; channel 1: rx.
  const tx = slaveOps(0, 15, 5);
  tx.splice(8, 0, { op: 'cyclic', on: 0, periods: 4, periodLen: 32, stopAfter: 3 });
  const rx = slaveOps(1, 16, 4);
  const ops: Op[] = [];
  for (let i = 0; i < Math.max(tx.length, rx.length); i++) {
    if (tx[i]) ops.push(tx[i]!);
    if (rx[i]) ops.push(rx[i]!);
  }
  return {
    channels: [
      { kind: 'tx', uart },
      { kind: 'rx', uart },
    ],
    ops,
  };
}

export const W2: Workload = {
  board: { uarts: 4, physicalChannels: 4, fifoDepth: 8 },
  threads: [0, 1, 2, 3].map(w2Thread),
};

export const standardWorkloads = { W1, W2 } as const;

// Keep the descriptions honest: the counts are what the issue asks for.
if (descriptorCount(W1) !== 16 || descriptorCount(W2) !== 128 || descriptorCount(w1Shape(1024)) !== 1024) {
  throw new Error(
    `standard workloads drifted: W1 ${descriptorCount(W1)}, W2 ${descriptorCount(W2)} descriptors`,
  );
}
