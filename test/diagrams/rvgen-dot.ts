/**
 * The DOT reader of the current rvgen (tools/verification/rvgen/rvgen/automata.py), in
 * TypeScript for the tests: its lark grammar (graphviz's DOT language without ports and
 * compasses, and with no comments), the way its ParseTree collects nodes, edges and their
 * attributes (scoped `node`/`edge` defaults; a second statement for the same node or edge
 * adds only the attributes the first lacks), and the way Automata reads states and
 * transitions from them (a state is a node with a `label`, a CNAME; an edge's label is events
 * separated by a literal `\n`). Errors carry rvgen's wording where it has one.
 */

export class RvgenError extends Error {}

type Tok = { readonly kind: 'id' | 'punct' | 'kw'; readonly text: string; readonly at: number };

const KEYWORDS = new Set(['strict', 'graph', 'digraph', 'node', 'edge', 'subgraph']);
const TOKEN =
  /\s+|(?<str>"(?:\\.|[^"\\])*")|(?<num>-?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?))|(?<name>[A-Za-z_][A-Za-z0-9_]*)|(?<punct>->|--|[{}[\];,=])/y;

function tokenize(text: string): Tok[] {
  const out: Tok[] = [];
  for (let at = 0; at < text.length; ) {
    TOKEN.lastIndex = at;
    const m = TOKEN.exec(text);
    if (m === null) throw new RvgenError(`No terminal matches '${text[at]}' at offset ${at}`);
    const g = m.groups ?? {};
    if (g.punct !== undefined) out.push({ kind: 'punct', text: g.punct, at });
    else if (g.name !== undefined) out.push({ kind: KEYWORDS.has(g.name) ? 'kw' : 'id', text: g.name, at });
    else if (g.str !== undefined || g.num !== undefined) out.push({ kind: 'id', text: m[0], at });
    at = TOKEN.lastIndex;
  }
  return out;
}

export interface RvgenGraph {
  readonly nodes: Set<string>;
  /** "from to" for each edge statement's pair. */
  readonly edges: Set<string>;
  readonly nodeAttrs: Map<string, Record<string, string>>;
  readonly edgeAttrs: Map<string, Record<string, string>>;
  /** How many edge statements each pair has (rvgen keeps the first one's label). */
  readonly edgeStatements: Map<string, number>;
  /** How many graph-level `ID = ID` statements (the `comment`), by name. */
  readonly assignments: Map<string, string>;
}

const unquote = (s: string) => (s.startsWith('"') ? s.slice(1, -1) : s);

/** Parse as rvgen's ParseTree does; throws RvgenError where lark or rvgen would. */
export function parseRvgenDot(text: string): RvgenGraph {
  const toks = tokenize(text);
  let i = 0;
  const peek = (k = 0): Tok | undefined => toks[i + k];
  const is = (t: Tok | undefined, text: string) => t !== undefined && t.kind !== 'id' && t.text === text;
  const fail = (what: string): never => {
    const t = peek();
    throw new RvgenError(`Unexpected token ${t ? `'${t.text}' at offset ${t.at}` : 'end of input'}: ${what}`);
  };
  const eat = (text: string) => (is(peek(), text) ? toks[i++] : fail(`expected '${text}'`));
  const id = (): string => (peek()?.kind === 'id' ? unquote(toks[i++]?.text ?? '') : fail('expected an ID'));

  const g: RvgenGraph = {
    nodes: new Set(),
    edges: new Set(),
    nodeAttrs: new Map(),
    edgeAttrs: new Map(),
    edgeStatements: new Map(),
    assignments: new Map(),
  };
  const nodeDefaults: Record<string, string>[] = [{}];
  const edgeDefaults: Record<string, string>[] = [{}];
  const merge = (map: Map<string, Record<string, string>>, key: string, attrs: Record<string, string>) => {
    if (Object.keys(attrs).length === 0) return;
    map.set(key, { ...attrs, ...(map.get(key) ?? {}) });
  };

  const attrList = (): Record<string, string> => {
    const attrs: Record<string, string> = {};
    while (is(peek(), '[')) {
      eat('[');
      while (peek()?.kind === 'id') {
        const k = id();
        eat('=');
        attrs[k] = id();
        if (is(peek(), ';') || is(peek(), ',')) i++;
      }
      eat(']');
    }
    return attrs;
  };
  /** A subgraph; returns the node ids inside it, as rvgen's edge parser counts them. */
  const subgraph = (): string[] => {
    if (is(peek(), 'subgraph')) {
      i++;
      if (peek()?.kind === 'id') i++;
    }
    eat('{');
    nodeDefaults.push({ ...nodeDefaults.at(-1) });
    edgeDefaults.push({ ...edgeDefaults.at(-1) });
    const inside = stmtList();
    nodeDefaults.pop();
    edgeDefaults.pop();
    eat('}');
    return inside;
  };
  const endpoint = (): string[] => {
    if (is(peek(), '{') || is(peek(), 'subgraph')) return subgraph();
    return [id()];
  };
  const stmt = (): string[] => {
    const t = peek();
    if (is(t, 'graph') || is(t, 'node') || is(t, 'edge')) {
      i++;
      const attrs = attrList();
      if (t?.text === 'node') Object.assign(nodeDefaults.at(-1) ?? {}, attrs);
      if (t?.text === 'edge') Object.assign(edgeDefaults.at(-1) ?? {}, attrs);
      return [];
    }
    if (t?.kind === 'id' && is(peek(1), '=')) {
      const k = id();
      eat('=');
      g.assignments.set(k, id());
      return [];
    }
    const first = endpoint();
    if (!is(peek(), '->') && !is(peek(), '--')) {
      if (t?.kind !== 'id') return first; // a bare subgraph
      const node = first[0] ?? '';
      g.nodes.add(node);
      merge(g.nodeAttrs, node, { ...nodeDefaults.at(-1), ...attrList() });
      return first;
    }
    const ids = [...first];
    while (is(peek(), '->') || is(peek(), '--')) {
      i++;
      ids.push(...endpoint());
    }
    if (ids.length !== 2) throw new RvgenError('Only state-to-state transition is supported');
    const key = `${ids[0]} ${ids[1]}`;
    g.edges.add(key);
    g.edgeStatements.set(key, (g.edgeStatements.get(key) ?? 0) + 1);
    merge(g.edgeAttrs, key, { ...edgeDefaults.at(-1), ...attrList() });
    return ids;
  };
  const stmtList = (): string[] => {
    const ids: string[] = [];
    while (peek() !== undefined && !is(peek(), '}')) {
      ids.push(...stmt());
      if (is(peek(), ';')) i++;
    }
    return ids;
  };

  if (is(peek(), 'strict')) i++;
  if (is(peek(), 'graph') || is(peek(), 'digraph')) i++;
  else fail("expected 'graph' or 'digraph'");
  if (peek()?.kind === 'id') i++;
  eat('{');
  stmtList();
  eat('}');
  if (peek() !== undefined) fail('expected the end of input');
  return g;
}

const CNAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface RvgenAutomaton {
  readonly initial: string;
  readonly states: string[];
  readonly finals: string[];
  /** "from event" -> to. */
  readonly delta: Map<string, string>;
}

/** States and transitions as Automata.__parse_states and __parse_transitions read them. */
export function rvgenAutomaton(g: RvgenGraph): RvgenAutomaton {
  let initialName = '';
  const states: string[] = [];
  const finals: string[] = [];
  for (const node of g.nodes) {
    const attr = g.nodeAttrs.get(node);
    if (attr === undefined) throw new RvgenError(`KeyError: '${node}'`);
    if (node.startsWith('__init_')) initialName = node.slice('__init_'.length);
    const label = attr.label;
    if (label === undefined) continue;
    if (!CNAME.test(label)) throw new RvgenError(`Unrecognised state "${label}"`);
    states.push(label);
    if (attr.shape === 'doublecircle' || attr.shape === 'ellipse') finals.push(label);
  }
  if (!states.includes(initialName)) throw new RvgenError("The automaton doesn't have an initial state");
  const delta = new Map<string, string>();
  for (const edge of g.edges) {
    const label = g.edgeAttrs.get(edge)?.label;
    if (label === undefined) continue;
    const [from = '', to = ''] = edge.split(' ');
    for (const e of label.split('\\n')) {
      if (!CNAME.test(e.trim())) throw new RvgenError(`Unrecognised event "${label}"`);
      delta.set(`${from} ${e.trim()}`, to);
    }
  }
  return { initial: initialName, states, finals: finals.length > 0 ? finals : [initialName], delta };
}
