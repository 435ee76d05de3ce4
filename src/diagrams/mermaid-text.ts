/**
 * Text on one line of a Mermaid diagram (a label, a message, a name). Mermaid reads `;` as a
 * statement break in some diagrams, `#...;` as an entity and `<...>` as HTML, so those go in as
 * entity codes, which Mermaid turns back into the characters when it draws; `also` lists more
 * characters to encode where the syntax around the text needs it (`"` in a quoted name, `:`
 * in a Gantt task). `#` is encoded first, so the codes added for the others stay intact.
 */
export function mermaidText(text: string, also = ''): string {
  let out = text.replace(/#/g, '#35;').replace(/[\r\n]+/g, ' ');
  for (const c of `;<>${also}`) out = out.split(c).join(`#${c.charCodeAt(0)};`);
  return out;
}

/**
 * Text in a multi-line note, which ends only at `end note`: only entities and HTML need
 * encoding, so the rule and its source stay readable in the diagram's text.
 */
export function mermaidNoteLine(text: string): string {
  const line = text.replace(/#/g, '#35;').replace(/</g, '#lt;').replace(/>/g, '#gt;');
  return line.trim().startsWith('end') ? `#32;${line}` : line;
}

/** Words Mermaid's state grammar reserves; an id equal to one gets a trailing underscore. */
const RESERVED = new Set([
  'state',
  'note',
  'end',
  'as',
  'direction',
  'class',
  'classDef',
  'style',
  'hide',
  'scale',
  'left',
  'right',
  'of',
  'over',
]);

/** A Mermaid identifier for a state path: the keys joined with `_`. */
export function mermaidId(path: readonly string[], rootKey: string): string {
  const id = (path.length === 0 ? [rootKey] : path).join('_').replace(/[^A-Za-z0-9_]/g, '_');
  return RESERVED.has(id) ? `${id}_` : id;
}
