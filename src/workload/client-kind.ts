import fc from 'fast-check';
import { z } from 'zod';
import { servesAsyncTx } from '../dmaengine/public.js';
import { setCallbackBlame, setTaskBlame } from '../kernel/blame.js';
import { onRunEnd, report, violationsOf } from '../kernel/checker.js';
import { ClientRules, clientException } from '../kernel/client-fault.js';
import type { TaskBody } from '../kernel/task.js';
import type { World } from '../kernel/world.js';
import { dma_mapping_setup, existingDmaMapping } from '../mapping/layer.js';
import { type Board, createBoard } from '../scenarios/board.js';
import { async_tx_init } from '../scenarios/offload-board.js';
import type { ClientContext, ClientDefinition } from './client-contract.js';
import { clientByPath, loadClient } from './client-registry.js';
import type { BuiltWorkload, WorkloadKind } from './kind.js';

/**
 * A client module (src/workload/client-contract.ts) as a workload: its threads are the
 * program, fixed; what the explorer varies is the schedule (every interleaving, every FIFO
 * rate, every interrupt latency the strategy picks) and what shrinking reduces is the choice
 * list. The workload names the module by the path it was given.
 */
export const clientWorkloadSchema = z.object({ client: z.string().min(1) });
export type ClientWorkload = z.infer<typeof clientWorkloadSchema>;

export interface ClientShape {
  /** The client module's path. */
  readonly client: string;
}

export interface ClientBoard extends BuiltWorkload {
  readonly board: Board;
  readonly client: ClientDefinition;
  /** The client's threads, once its `threads(ctx)` ran. */
  readonly threads: readonly string[];
}

/**
 * Build the client's world: the board (its provider, its UARTs), then one init thread that
 * runs async_tx's init where there is a public engine, calls the client's `threads(ctx)` and
 * starts what it returns. Every exception in the client's code (its threads, `threads(ctx)`,
 * its completion callbacks wherever the provider invokes them) is the client's; a client
 * thread still waiting when nothing can run any more, with no other finding to explain it,
 * is `client.blocked-forever`.
 */
export function buildClient(world: World, def: ClientDefinition, board: Board): ClientBoard {
  const threads: string[] = [];
  const ctx: ClientContext = Object.freeze({
    world,
    uarts: Object.freeze(board.uarts.map((u) => Object.freeze({ dev: u.client, tx: u.tx, rx: u.rx }))),
    dev: board.client,
    tx: board.tx,
    rx: board.rx,
  });
  setCallbackBlame(world, (error, where) => clientException(def.name, where, error));
  // A module-level generator called from an ordinary closure, not a generator closure made per
  // world (docs/architecture.md, "A finished world is garbage at the next young collection").
  const init = world.spawn(`${def.name}:init`, () => clientInit(world, def, board, ctx, threads));
  setTaskBlame(init, (error) => clientException(def.name, 'threads(ctx)', error));
  onRunEnd(world, (outcome) => {
    if (outcome.kind !== 'deadlock' || violationsOf(world).length > 0) return;
    const waiting = outcome.blocked.filter((b) => threads.includes(b.task));
    if (waiting.length === 0) return;
    report(
      world,
      ClientRules.blocked,
      `${def.name}: ${waiting.map((b) => `${b.task} waits for ${b.waitingFor}`).join('; ')}, and nothing can run`,
      waiting[0]!.task,
      { client: def.name, where: `thread ${waiting[0]!.task}` },
    );
  });
  return { stats: board.stats, board, client: def, threads };
}

/** The client's init thread (see buildClient): async_tx's init if needed, then the client's threads. */
function* clientInit(
  world: World,
  def: ClientDefinition,
  board: Board,
  ctx: ClientContext,
  threads: string[],
): TaskBody {
  // A public offload engine: async_tx's module init takes its channels before any client probes.
  if (servesAsyncTx(board.dma.device.cap_mask)) yield* async_tx_init(world);
  const bodies = def.threads(ctx);
  for (const [name, body] of Object.entries(bodies)) {
    if (typeof body !== 'function') throw new TypeError(`threads(ctx).${name} is not a generator function`);
    const task = world.spawn(name, body);
    setTaskBlame(task, (error) => clientException(def.name, `thread ${name}`, error));
    threads.push(name);
  }
}

export const clientKind: WorkloadKind<ClientWorkload, ClientShape, ClientBoard> = {
  name: 'client',
  schema: clientWorkloadSchema,
  arbitrary: (shape) => fc.constant({ client: shape.client }),
  defaultShape: { client: '' },
  workloadSalt: 0xc11e,
  tolerate: [],
  hang: ClientRules.hang,
  prepare: async (w) => {
    await loadClient(w.client);
  },
  build: (world, workload, provider, faults) => {
    const def = clientByPath(workload.client);
    const platform = def.board?.platform;
    if (platform && existingDmaMapping(world) === undefined) dma_mapping_setup(world, platform);
    const board = createBoard(world, {
      ...(provider ? { provider } : {}),
      ...(faults ? { faults } : {}),
      uarts: def.board?.uarts ?? 1,
      ...(def.board?.fifoDepth === undefined ? {} : { fifoDepth: def.board.fifoDepth }),
    });
    return buildClient(world, def, board);
  },
  // Nothing to shrink in the program: shrinking works on the choice list.
  size: () => 1,
};
