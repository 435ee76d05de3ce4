/** A Markdown table; cells are escaped so a `|` or a line break in a rule cannot break the row. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const cell = (text: string) => text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
  const line = (cells: readonly string[]) => `| ${cells.map(cell).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)];
}

/** Inline code; text with a backtick is left as plain text rather than risk a broken span. */
export function code(text: string): string {
  return text.includes('`') ? text : `\`${text}\``;
}
