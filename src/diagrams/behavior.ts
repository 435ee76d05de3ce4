/**
 * A guard or action of a transition as a diagram shows it. Named ones (the charts reference
 * their `setup` implementations by name) print as the name; xstate's guard combinators
 * (`and`, `or`, `not`, `stateIn`) print as their structure, so `describeBehavior` also spells
 * out what a named guard is made of. Anything else prints as its function name, never its
 * code (compiled code differs between builds, and diagrams must be byte-stable).
 */
export function describeBehavior(b: unknown): string {
  if (typeof b === 'string') return b;
  if (typeof b === 'function') {
    const f = b as { name: string; guards?: unknown; stateValue?: unknown; type?: unknown };
    if (Array.isArray(f.guards)) return `${f.name}(${f.guards.map(describeBehavior).join(', ')})`;
    if (f.stateValue !== undefined) {
      const v = typeof f.stateValue === 'string' ? f.stateValue : JSON.stringify(f.stateValue);
      return `stateIn(${v})`;
    }
    if (typeof f.type === 'string') return f.type;
    return f.name === '' ? 'inline' : f.name;
  }
  if (typeof b === 'object' && b !== null && typeof (b as { type?: unknown }).type === 'string') {
    return (b as { type: string }).type;
  }
  return 'inline';
}
