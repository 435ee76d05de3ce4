import { describe, expect, it } from 'vitest';
import { assign, setup } from 'xstate';
import { type MachineSpec, rule } from '../../machines/spec.js';
import { chartOf } from '../../src/diagrams/chart.js';
import { toDot } from '../../src/diagrams/dot.js';
import { toMermaidState } from '../../src/diagrams/mermaid-state.js';
import { rvAutomataOf, toRvDot } from '../../src/diagrams/rv.js';
import { dotToSvg } from '../../src/diagrams/svg.js';
import { projectSource } from '../../src/rules/sources.js';

/**
 * The exporters read the machine, not a copy of it: a small chart built here, and a variant
 * with one more state and transition, must give different diagrams in every format, each
 * with the new state and transition in it.
 */

const SRC = projectSource('test/diagrams/fixture.test.ts');

const lampSetup = setup({
  types: { context: {} as { flips: number }, events: {} as { type: 'FLIP' | 'BURN' | 'REPLACE' | 'DIM' } },
  guards: { worn: ({ context }) => context.flips > 2 },
  actions: { count: assign({ flips: ({ context }) => context.flips + 1 }) },
});

const level = {
  initial: 'full',
  ...rule('How bright.', SRC),
  states: {
    full: { ...rule('Bright.', SRC), on: { DIM: { target: 'dim', ...rule('Dimming.', SRC) } } },
    dim: { ...rule('Dimmed.', SRC), on: { DIM: { ...rule('Already dim.', SRC) } } },
  },
} as const;

const off = {
  ...rule('Dark.', SRC),
  on: { FLIP: { target: 'on', actions: 'count', ...rule('Switching it on.', SRC) } },
} as const;

const lamp = lampSetup.createMachine({
  id: 'lamp',
  type: 'parallel',
  context: { flips: 0 },
  ...rule('A lamp.', SRC),
  states: {
    power: {
      initial: 'off',
      ...rule('Whether it is lit.', SRC),
      states: {
        off,
        on: { ...rule('Lit.', SRC), on: { FLIP: { target: 'off', ...rule('Switching it off.', SRC) } } },
      },
    },
    level,
  },
});

/** The same lamp, whose bulb can burn out after a few flips. */
const lampWithBulb = lampSetup.createMachine({
  id: 'lamp',
  type: 'parallel',
  context: { flips: 0 },
  ...rule('A lamp.', SRC),
  states: {
    power: {
      initial: 'off',
      ...rule('Whether it is lit.', SRC),
      states: {
        off,
        on: {
          ...rule('Lit.', SRC),
          on: {
            FLIP: { target: 'off', ...rule('Switching it off.', SRC) },
            BURN: { guard: 'worn', target: 'broken', ...rule('An old bulb burns out.', SRC) },
          },
        },
        broken: {
          ...rule('The bulb is gone.', SRC),
          on: { REPLACE: { target: 'off', ...rule('A new bulb starts off.', SRC) } },
        },
      },
    },
    level,
  },
});

const spec = (machine: MachineSpec['machine']): MachineSpec => ({ name: 'lamp', machine, rejections: {} });

describe('a chart changed in a test fixture', () => {
  const before = chartOf(spec(lamp));
  const after = chartOf(spec(lampWithBulb));

  it('has the new state and transition in the chart model', () => {
    expect(after.states.size).toBe(before.states.size + 1);
    expect(after.transitions.length).toBe(before.transitions.length + 2);
    expect(after.transitions.find((t) => t.event === 'BURN')?.guard).toBe('worn');
  });

  it('changes its Mermaid diagram', () => {
    const [a, b] = [toMermaidState(before), toMermaidState(after)];
    expect(b).not.toBe(a);
    expect(a).not.toContain('power_broken');
    expect(b).toContain('state "broken" as power_broken');
    expect(b).toContain('power_on --> power_broken : BURN [worn]');
    expect(b).toContain('power_broken --> power_off : REPLACE');
    expect(b).toContain('The bulb is gone.');
  });

  it('changes its DOT and SVG', async () => {
    const [a, b] = [toDot(before), toDot(after)];
    expect(b).not.toBe(a);
    expect(b).toContain('"lamp.power.on" -> "lamp.power.broken" [label="BURN [worn]"');
    expect(b).toContain('"lamp.power.off" -> "lamp.power.on" [label="FLIP / count"');
    const [sa, sb] = [await dotToSvg(a), await dotToSvg(b)];
    expect(sb).not.toBe(sa);
    expect(sb).toContain('>broken<');
    expect(sa).not.toContain('>broken<');
  });

  it('changes its RV automata', () => {
    const [a, b] = [rvAutomataOf(before), rvAutomataOf(after)];
    expect(a.map((x) => x.name)).toEqual(['lamp_power', 'lamp_level']);
    const [pa, pb] = [a[0], b[0]];
    if (!pa || !pb) throw new Error('no power automaton');
    expect(toRvDot(pb)).not.toBe(toRvDot(pa));
    // Before the change off and on accept the same events (FLIP), so the minimal DFA has one state.
    expect(pa.states).toEqual(['off_or_on']);
    expect(pb.states).toEqual(['off', 'broken', 'on']);
    expect(pb.edges).toContainEqual({ from: 'on', to: 'broken', events: ['burn'] });
    // The other region is untouched by the change.
    expect(toRvDot(b[1] ?? pb)).toBe(toRvDot(a[1] ?? pa));
  });
});
