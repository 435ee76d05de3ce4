import { JSDOM } from 'jsdom';

/**
 * Mermaid's own parser, in Node: mermaid needs a DOM at import time (DOMPurify, and `Option`
 * for sequence-diagram box colours), so a jsdom window is installed as the global one first.
 * `mermaid.parse` runs the same grammar and diagram database a browser would, and throws on
 * what it does not accept. Nothing but `npm ci` is needed.
 */
type Parse = (text: string) => Promise<unknown>;
let parser: Promise<Parse> | null = null;

async function load(): Promise<Parse> {
  const dom = new JSDOM('<!doctype html><html><body></body></html>');
  const g = globalThis as Record<string, unknown>;
  g.window = dom.window;
  g.document = dom.window.document;
  g.Option = dom.window.Option;
  const { default: mermaid } = await import('mermaid');
  mermaid.initialize({ startOnLoad: false });
  return (text) => mermaid.parse(text);
}

export function mermaidParse(text: string): Promise<unknown> {
  parser ??= load();
  return parser.then((parse) => parse(text));
}

/** The bodies of the ```mermaid blocks of a Markdown text. */
export function mermaidBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```mermaid\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
}
