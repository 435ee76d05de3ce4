import type { StateValue } from 'xstate';

/** A state value as dot paths of its active leaves, regions joined with `|` (`live.life.aborted`). */
export function statePaths(value: StateValue): string {
  if (typeof value === 'string') return value;
  return Object.entries(value)
    .map(([key, sub]) =>
      sub === undefined
        ? key
        : statePaths(sub)
            .split('|')
            .map((p) => `${key}.${p}`)
            .join('|'),
    )
    .join('|');
}
