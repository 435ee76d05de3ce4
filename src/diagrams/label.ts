import type { ChartTransition } from './chart.js';

/** UML's transition label: `EVENT [guard] / action, action`. */
export function transitionLabel(t: ChartTransition): string {
  const guard = t.guard === null ? '' : ` [${t.guard}]`;
  const actions = t.actions.length === 0 ? '' : ` / ${t.actions.join(', ')}`;
  return `${t.event}${guard}${actions}`;
}

/** Split `text` into lines of at most `width` characters, at spaces. */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}
