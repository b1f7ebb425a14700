import type { Language, Node as TsNode } from 'web-tree-sitter';
import type { SourceRange } from '../source';
import { openWalkCursor } from './directCursor';

/**
 * A plain JavaScript copy of a subtree. Every property access on a web-tree-sitter `Node` (and on
 * a tree cursor) crosses into wasm; the engine visits nodes many times per path, so a function
 * body is copied once with a cursor walk and analysed from the copy. The API mirrors the subset of
 * `Node` the analysis uses, so code reads the same against either. Only what the cursor must tell
 * is read from it (type, field, offsets); rows and columns come from a line table.
 */

export interface Point {
  row: number;
  column: number;
}

/** Line starts of a text, shared by every node copied from it. */
export class LineTable {
  private readonly starts: number[] = [0];

  constructor(readonly source: string) {
    for (let i = source.indexOf('\n'); i >= 0; i = source.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }

  point(offset: number): Point {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { row: lo, column: offset - this.starts[lo]! };
  }
}

let nextId = 1;

/** The node types the analysis asks a body for, collected by one walk (`indexedDescendants`). */
const INDEXED_TYPES = ['call_expression', 'declaration', 'assignment_expression', 'labeled_statement'] as const;
export type IndexedType = (typeof INDEXED_TYPES)[number];

/** Shared by every leaf until it gets a child: most nodes are leaves. */
const NO_CHILDREN: SyntaxNode[] = [];

export class SyntaxNode {
  namedChildren: SyntaxNode[] = NO_CHILDREN;
  /** Named children plus anonymous children that carry a field name (operators); shares the array when there are none. */
  children: SyntaxNode[] = NO_CHILDREN;
  parent: SyntaxNode | null = null;
  readonly id = nextId++;

  constructor(
    readonly type: string,
    readonly isNamed: boolean,
    readonly field: string | null,
    readonly startIndex: number,
    readonly endIndex: number,
    private readonly lines: LineTable,
  ) {}

  // Text, range and the descendants index are asked for again and again along paths; each is
  // computed once, in one side object so that the many nodes never asked carry one field, not three.
  // A cached string also keeps its hash, which the analysis's many Map lookups by text reuse.
  private memo: { text?: string; range?: SourceRange; byType?: Map<string, SyntaxNode[]> } | undefined;

  get text(): string {
    const m = (this.memo ??= {});
    return (m.text ??= this.lines.source.slice(this.startIndex, this.endIndex));
  }

  get startPosition(): Point {
    return this.lines.point(this.startIndex);
  }

  get endPosition(): Point {
    return this.lines.point(this.endIndex);
  }

  /** The node's range as findings carry it (`rangeOf` returns this one object for every caller). */
  get sourceRange(): SourceRange {
    const m = (this.memo ??= {});
    if (!m.range) {
      const a = this.startPosition;
      const b = this.endPosition;
      m.range = { start: { line: a.row, column: a.column }, end: { line: b.row, column: b.column } };
    }
    return m.range;
  }

  childForFieldName(name: string): SyntaxNode | null {
    for (const c of this.children) if (c.field === name) return c;
    return null;
  }

  childrenForFieldName(name: string): SyntaxNode[] {
    return this.children.filter((c) => c.field === name);
  }

  fieldNameForNamedChild(i: number): string | null {
    return this.namedChildren[i]?.field ?? null;
  }

  /** This node and its descendants of the given types, in document order (like web-tree-sitter). */
  descendantsOfType(types: string | string[]): SyntaxNode[] {
    const want = typeof types === 'string' ? [types] : types;
    const out: SyntaxNode[] = [];
    const stack: SyntaxNode[] = [this];
    while (stack.length) {
      const n = stack.pop()!;
      if (want.includes(n.type)) out.push(n);
      for (let i = n.namedChildren.length - 1; i >= 0; i--) stack.push(n.namedChildren[i]!);
    }
    return out;
  }

  /**
   * Like `descendantsOfType(type)` for the node types a function body is asked for, without a walk:
   * toSyntax indexes the whole copy at its root as it copies, in document order, and a node's
   * descendants are the root's entries inside its range (an ancestor spanning exactly the same range
   * is not one). Kept per node; the arrays are shared: read only.
   */
  indexedDescendants(type: IndexedType): readonly SyntaxNode[] {
    const m = (this.memo ??= {});
    if (!m.byType) {
      const root = this.copyRoot();
      const rootIndex = root.memo?.byType;
      if (!rootIndex) throw new Error('indexedDescendants: the copy has no index (nodes come from toSyntax)');
      const byType = new Map<string, SyntaxNode[]>();
      for (const [t, list] of rootIndex) byType.set(t, root === this ? list : list.filter((n) => this.encloses(n)));
      m.byType = byType;
    }
    return m.byType.get(type) ?? NO_CHILDREN;
  }

  private copyRoot(): SyntaxNode {
    let p = this.parent;
    if (!p) return this;
    while (p.parent) p = p.parent;
    return p;
  }

  /** `n` is this node or one of its descendants. */
  private encloses(n: SyntaxNode): boolean {
    if (n.startIndex < this.startIndex || n.endIndex > this.endIndex) return false;
    // Syntax ranges nest: only a node with exactly this range can be an ancestor instead.
    if (n.startIndex !== this.startIndex || n.endIndex !== this.endIndex) return true;
    for (let p: SyntaxNode | null = n; p; p = p.parent) if (p === this) return true;
    return false;
  }

  /** The descendants index toSyntax built while copying (this node is the copy's root). */
  setIndex(byType: Map<string, SyntaxNode[]>): void {
    (this.memo ??= {}).byType = byType;
  }

  /** Sets the children once, from the copy (arrays of exactly their size: most nodes have few). */
  setChildren(all: SyntaxNode[], named: SyntaxNode[]): void {
    for (const c of all) c.parent = this;
    this.namedChildren = named;
    this.children = all.length === named.length ? named : all;
  }
}

/**
 * Node types whose children the analysis never reads: leaves (no `gotoFirstChild` call needed) and
 * subtrees used only as text (literals, type descriptors, struct bodies). Skipping them saves the
 * wasm round trips that dominate copying.
 */
const OPAQUE = new Set([
  'identifier', 'field_identifier', 'type_identifier', 'statement_identifier', 'primitive_type', 'number_literal',
  'string_literal', 'char_literal', 'concatenated_string', 'system_lib_string', 'comment', 'true', 'false', 'null',
  'type_descriptor', 'field_declaration_list', 'enumerator_list', 'attribute_specifier', 'ms_declspec_modifier',
  'sized_type_specifier', 'escape_sequence', 'string_content',
]);

const OPAQUE_LEAVES = new Set(['identifier', 'field_identifier', 'type_identifier', 'statement_identifier', 'primitive_type', 'number_literal', 'comment']);

/** Parents none of whose children carry a field name: their children's field is not asked for. */
const NO_FIELDS = new Set(['compound_statement', 'argument_list', 'expression_statement', 'parenthesized_expression', 'initializer_list', 'parameter_list', 'translation_unit', 'ERROR']);

const tables = new WeakMap<object, LineTable>();
const flagsByLanguage = new WeakMap<object, Uint8Array>();
/** tree-sitter's id for ERROR nodes, outside the grammar's own type ids. */
const ERROR_TYPE_ID = 0xffff;
const NAMED = 1;
const OPAQUE_FOR_BODIES = 2;
const OPAQUE_FOR_FULL = 4;
const FIELDLESS = 8;
const INDEXED = 16;

/**
 * What the copy needs to know of each type, per type id (ids are 16-bit): named-ness is asked of
 * wasm once per language rather than once per node, and the string sets become bit tests.
 */
function typeFlags(language: Language): Uint8Array {
  let flags = flagsByLanguage.get(language);
  if (!flags) {
    flags = new Uint8Array(0x10000);
    const set = (id: number, name: string): void => {
      flags![id] = (language.nodeTypeIsNamed(id) ? NAMED : 0) | (OPAQUE.has(name) ? OPAQUE_FOR_BODIES : 0)
        | (OPAQUE_LEAVES.has(name) ? OPAQUE_FOR_FULL : 0) | (NO_FIELDS.has(name) ? FIELDLESS : 0)
        | ((INDEXED_TYPES as readonly string[]).includes(name) ? INDEXED : 0);
    };
    language.types.forEach((name, id) => set(id, name ?? ''));
    set(ERROR_TYPE_ID, 'ERROR');
    flagsByLanguage.set(language, flags);
  }
  return flags;
}

/**
 * Copies the subtree under `root` (iteratively: bodies can nest thousands of levels deep).
 * `full` also copies what the analysis of function bodies skips (struct bodies, types), for callers
 * that read declarations.
 */
export function toSyntax(root: TsNode, source: string, full = false): SyntaxNode {
  const opaqueBit = full ? OPAQUE_FOR_FULL : OPAQUE_FOR_BODIES;
  // One line table per source text, reused across the functions of a file.
  const key = root.tree;
  let lines = tables.get(key);
  if (!lines || lines.source !== source) {
    lines = new LineTable(source);
    tables.set(key, lines);
  }
  const language = root.tree.language;
  const types = language.types;
  const fields = language.fields;
  const flags = typeFlags(language);
  // No other web-tree-sitter call may run until the cursor is closed (see directCursor.ts).
  const cursor = openWalkCursor(root);
  try {
    const topType = cursor.typeId();
    const top = new SyntaxNode(types[topType] ?? 'ERROR', true, null, cursor.startIndex(), cursor.endIndex(), lines);
    // The descendants index (indexedDescendants), in document order, built as the walk goes.
    const index = new Map<string, SyntaxNode[]>(INDEXED_TYPES.map((t) => [t, []]));
    if ((flags[topType]! & INDEXED) !== 0) index.get(top.type)!.push(top);
    // Open nodes, their type flags, and where their children start in the shared scratch list;
    // a node's children are copied into an exactly sized array when the walk leaves it.
    const stack: SyntaxNode[] = [top];
    const stackFlags: number[] = [flags[topType]!];
    const childStart: number[] = [0];
    const scratch: SyntaxNode[] = [];
    const close = (): void => {
      const node = stack.pop()!;
      stackFlags.pop();
      const from = childStart.pop()!;
      if (scratch.length > from) {
        const all = scratch.slice(from);
        scratch.length = from;
        node.setChildren(all, all.every((c) => c.isNamed) ? all : all.filter((c) => c.isNamed));
      }
    };
    const finish = (): SyntaxNode => {
      while (stack.length) close();
      top.setIndex(index);
      return top;
    };
    if (!cursor.gotoFirstChild()) return finish();
    for (;;) {
      const typeId = cursor.typeId();
      const f = flags[typeId]!;
      const isNamed = (f & NAMED) !== 0;
      const field = (stackFlags[stackFlags.length - 1]! & FIELDLESS) !== 0 ? null : fields[cursor.fieldId()] ?? null;
      let node: SyntaxNode | undefined;
      if (isNamed || field) {
        node = new SyntaxNode(types[typeId] ?? 'ERROR', isNamed, field, cursor.startIndex(), cursor.endIndex(), lines);
        scratch.push(node);
        if ((f & INDEXED) !== 0) index.get(node.type)!.push(node);
      }
      // Anonymous nodes (punctuation, keywords) and opaque types have no children worth copying.
      if (node && isNamed && (f & opaqueBit) === 0 && cursor.gotoFirstChild()) {
        stack.push(node);
        stackFlags.push(f);
        childStart.push(scratch.length);
        continue;
      }
      while (!cursor.gotoNextSibling()) {
        if (stack.length <= 1 || !cursor.gotoParent()) return finish();
        close();
      }
    }
  } finally {
    cursor.close();
  }
}
