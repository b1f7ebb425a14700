import type { Language, Node as TsNode } from 'web-tree-sitter';
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

  // Text and positions are asked for again and again along paths; each is computed once. A cached
  // string also keeps its hash, which the analysis's many Map lookups by text reuse.
  private cachedText: string | undefined;
  private cachedStart: Point | undefined;
  private cachedEnd: Point | undefined;

  get text(): string {
    return (this.cachedText ??= this.lines.source.slice(this.startIndex, this.endIndex));
  }

  get startPosition(): Point {
    return (this.cachedStart ??= this.lines.point(this.startIndex));
  }

  get endPosition(): Point {
    return (this.cachedEnd ??= this.lines.point(this.endIndex));
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

  addChild(c: SyntaxNode): void {
    c.parent = this;
    if (this.namedChildren === NO_CHILDREN) {
      this.namedChildren = [];
      this.children = this.namedChildren;
    }
    if (c.isNamed) {
      if (this.children !== this.namedChildren) this.children.push(c);
      this.namedChildren.push(c);
    } else {
      if (this.children === this.namedChildren) this.children = [...this.namedChildren];
      this.children.push(c);
    }
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
const namedByLanguage = new WeakMap<object, Uint8Array>();
/** tree-sitter's id for ERROR nodes, outside the grammar's own type ids. */
const ERROR_TYPE_ID = 0xffff;

/** Named-ness per type id (ids are 16-bit), asked of wasm once per language rather than once per node. */
function namedTypes(language: Language): Uint8Array {
  let named = namedByLanguage.get(language);
  if (!named) {
    named = new Uint8Array(0x10000);
    for (let id = 0; id < language.types.length; id++) named[id] = language.nodeTypeIsNamed(id) ? 1 : 0;
    named[ERROR_TYPE_ID] = language.nodeTypeIsNamed(ERROR_TYPE_ID) ? 1 : 0;
    namedByLanguage.set(language, named);
  }
  return named;
}

/**
 * Copies the subtree under `root` (iteratively: bodies can nest thousands of levels deep).
 * `full` also copies what the analysis of function bodies skips (struct bodies, types), for callers
 * that read declarations.
 */
export function toSyntax(root: TsNode, source: string, full = false): SyntaxNode {
  const opaque = full ? OPAQUE_LEAVES : OPAQUE;
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
  const named = namedTypes(language);
  // No other web-tree-sitter call may run until the cursor is closed (see directCursor.ts).
  const cursor = openWalkCursor(root);
  try {
    const top = new SyntaxNode(types[cursor.typeId()] ?? 'ERROR', true, null, cursor.startIndex(), cursor.endIndex(), lines);
    const stack: SyntaxNode[] = [top];
    if (!cursor.gotoFirstChild()) return top;
    for (;;) {
      const parent = stack[stack.length - 1]!;
      const typeId = cursor.typeId();
      const isNamed = named[typeId] === 1;
      const field = NO_FIELDS.has(parent.type) ? null : fields[cursor.fieldId()] ?? null;
      let node: SyntaxNode | undefined;
      const type = types[typeId] ?? 'ERROR';
      if (isNamed || field) {
        node = new SyntaxNode(type, isNamed, field, cursor.startIndex(), cursor.endIndex(), lines);
        parent.addChild(node);
      }
      // Anonymous nodes (punctuation, keywords) and opaque types have no children worth copying.
      if (node && isNamed && !opaque.has(type) && cursor.gotoFirstChild()) {
        stack.push(node);
        continue;
      }
      while (!cursor.gotoNextSibling()) {
        if (stack.length <= 1 || !cursor.gotoParent()) return top;
        stack.pop();
      }
    }
  } finally {
    cursor.close();
  }
}
