import { defineRule } from '../rules/rule.js';
import { cites, kernelSource, projectSource, section } from '../rules/sources.js';
import { Blamed, describeError } from './blame.js';

/**
 * The faults of a client module under test (`dmactor check-client`) that no dmaengine or
 * mapping rule names: its code threw, it never returned to the kernel, or it waits for
 * something nothing will do. The violation's `data` carries `{ client, where }`.
 */
export const ClientRules = {
  exception: defineRule({
    id: 'client.exception',
    rule: "A client driver's threads and completion callbacks return normally: an exception there is a crash of the driver.",
    source: cites(
      projectSource('docs/clients.md', '(the client contract)'),
      kernelSource('Documentation/admin-guide/bug-hunting.rst', '(an oops in a driver)'),
    ),
    side: 'client',
    kind: 'safety',
  }),
  blocked: defineRule({
    id: 'client.blocked-forever',
    rule: 'A client waits only for what will happen: with every issued transfer done and nothing left to run, no client thread may still be waiting.',
    source: cites(
      section(
        'client.rst',
        'DMA usage: 5. Issue pending DMA requests and wait for callback notification',
        '(the transfer starts only after dma_async_issue_pending; completion is signalled through the callback)',
      ),
      kernelSource('kernel/hung_task.c'),
    ),
    side: 'client',
    kind: 'liveness',
  }),
  hang: defineRule({
    id: 'client.hang',
    rule: "A client's code returns to the kernel: a schedule that makes no progress within the watchdog time means a client thread or callback loops without ever yielding.",
    source: cites(
      projectSource('docs/clients.md', '(the client contract)'),
      kernelSource('kernel/hung_task.c'),
    ),
    side: 'client',
    kind: 'liveness',
  }),
} as const;

/** The exception `error` thrown by client code (`where`: a thread's name, a callback), blamed on the client. */
export function clientException(client: string, where: string, error: unknown): Blamed {
  if (error instanceof Blamed) return error;
  return new Blamed(
    ClientRules.exception,
    `${client}: ${where} threw ${describeError(error)}`,
    { client, where },
    error,
  );
}
