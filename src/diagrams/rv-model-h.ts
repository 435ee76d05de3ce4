import type { RvAutomaton } from './rv.js';

/**
 * The model header `<name>.h` exactly as the current rvgen writes it from the automaton's DOT
 * (dot2k.fill_model_h over dot2c.format_model, deterministic automata): enums suffixed with
 * the monitor's name, the transition matrix one row per state, on one line when it fits in
 * 100 columns and one next state per line otherwise. States come initial first, then sorted;
 * events sorted; rvgen with no final state marks the initial one final.
 */
export function rvModelHeader(a: RvAutomaton): string {
  const m = a.name;
  const sfx = `_${m}`;
  const states = [a.initial, ...a.states.filter((s) => s !== a.initial).sort()];
  const events = [...a.events].sort();
  const finals = a.finals.length > 0 ? a.finals : [a.initial];
  const next = new Map(a.edges.flatMap((e) => e.events.map((ev) => [`${e.from} ${ev}`, e.to] as const)));
  const minType =
    states.length > 65535 ? 'unsigned int' : states.length > 255 ? 'unsigned short' : 'unsigned char';
  const out = [
    '/* SPDX-License-Identifier: GPL-2.0 */',
    '/*',
    ` * Automatically generated C representation of ${m} automaton`,
    ' * For further information about this format, see kernel documentation:',
    ' *   Documentation/trace/rv/deterministic_automata.rst',
    ' */',
    '',
    `#define MONITOR_NAME ${m}`,
    '',
    `enum states${sfx} {`,
    ...states.map((s) => `\t${s}${sfx},`),
    `\tstate_max${sfx},`,
    '};\n',
    `#define INVALID_STATE state_max${sfx}\n`,
    `enum events${sfx} {`,
    ...events.map((e) => `\t${e}${sfx},`),
    `\tevent_max${sfx},`,
    '};\n',
    `struct automaton${sfx} {`,
    `\tchar *state_names[state_max${sfx}];`,
    `\tchar *event_names[event_max${sfx}];`,
    `\t${minType} function[state_max${sfx}][event_max${sfx}];`,
    `\t${minType} initial_state;`,
    `\tbool final_states[state_max${sfx}];`,
    '};\n',
    `static const struct automaton${sfx} automaton${sfx} = {`,
    '\t.state_names = {',
    states.map((s) => `\t\t"${s}",`).join('\n'),
    '\t},',
    '\t.event_names = {',
    events.map((e) => `\t\t"${e}",`).join('\n'),
    '\t},',
    '\t.function = {',
  ];
  const invalid = 'INVALID_STATE';
  const maxlen = Math.max(...states.map((s) => s.length), invalid.length) + sfx.length;
  const tooLong = 2 * 8 + 2 + 1 + (maxlen + 2) * events.length > 100;
  const rows = states.map((s) => {
    const cells = events.map((e) => {
      const to = next.get(`${s} ${e}`);
      return to === undefined ? invalid : `${to}${sfx}`;
    });
    return tooLong
      ? `\t\t{\n${cells.map((c) => `\t\t\t${c}`).join(',\n')},\n\t\t},`
      : `\t\t{ ${cells.map((c) => c.padStart(maxlen)).join(', ')} },`;
  });
  out.push(rows.join('\n'), '\t},');
  out.push(`\t.initial_state = ${a.initial}${sfx},`);
  out.push(`\t.final_states = { ${states.map((s) => (finals.includes(s) ? '1' : '0')).join(', ')} },`);
  out.push('};\n');
  return out.join('\n');
}
