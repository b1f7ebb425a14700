import type { Node as TsNode, TreeCursor } from 'web-tree-sitter';

/**
 * A tree cursor that talks to web-tree-sitter's wasm exports without re-marshalling.
 *
 * The public `TreeCursor` writes its four handles into wasm's transfer buffer before every property
 * read and reads them back after every move: five `setValue`/`getValue` calls around each wasm call.
 * Copying a function body asks ~5 things per node, so that marshalling cost as much as parsing.
 * The binding's read functions (`current_node_type_id`, `start_index`, `current_field_id`, …) only
 * read the buffer and its move functions write the moved cursor back into it, so the cursor can
 * live in the buffer for a whole synchronous walk: handles are written once at the start and read
 * back once at the end (so `delete()` frees the right stack).
 *
 * This relies on the binding's layout (pinned web-tree-sitter 0.27). `openDirectCursor` checks every
 * export it uses and returns `undefined` when one is missing; callers then walk with the public
 * cursor, and a test checks that both walks copy identical trees.
 */

export interface WalkCursor {
  typeId(): number;
  fieldId(): number;
  startIndex(): number;
  endIndex(): number;
  gotoFirstChild(): boolean;
  gotoNextSibling(): boolean;
  gotoParent(): boolean;
  close(): void;
}

/** The emscripten module object web-tree-sitter filled in (the options passed to `Parser.init`). */
interface Binding {
  HEAP32: Int32Array;
  _ts_init(): number;
  _ts_tree_cursor_current_node_type_id_wasm(tree: number): number;
  _ts_tree_cursor_current_field_id_wasm(tree: number): number;
  _ts_tree_cursor_start_index_wasm(tree: number): number;
  _ts_tree_cursor_end_index_wasm(tree: number): number;
  _ts_tree_cursor_goto_first_child_wasm(tree: number): number;
  _ts_tree_cursor_goto_next_sibling_wasm(tree: number): number;
  _ts_tree_cursor_goto_parent_wasm(tree: number): number;
}

const EXPORTS = [
  '_ts_init', '_ts_tree_cursor_current_node_type_id_wasm', '_ts_tree_cursor_current_field_id_wasm',
  '_ts_tree_cursor_start_index_wasm', '_ts_tree_cursor_end_index_wasm', '_ts_tree_cursor_goto_first_child_wasm',
  '_ts_tree_cursor_goto_next_sibling_wasm', '_ts_tree_cursor_goto_parent_wasm',
] as const;

let binding: Binding | undefined;
let transferWord = 0;
let enabled = true;

/** Called by the grammar loader with the object it gave `Parser.init`; ignored unless it is a complete binding. */
export function registerBinding(candidate: object): void {
  const b = candidate as Partial<Record<(typeof EXPORTS)[number], unknown>> & { HEAP32?: unknown };
  if (!EXPORTS.every((name) => typeof b[name] === 'function') || !(b.HEAP32 instanceof Int32Array)) return;
  binding = candidate as Binding;
  // ts_init only writes two version numbers into the buffer and returns its address.
  transferWord = binding._ts_init() >> 2;
}

/** Whether copies currently use the direct cursor (tests and `--stats` say which walk ran). */
export function directCursorActive(): boolean {
  return enabled && binding !== undefined;
}

/** For tests: walk with the public cursor even when the direct one is available. */
export function setDirectCursorEnabled(on: boolean): void {
  enabled = on;
}

class DirectCursor implements WalkCursor {
  constructor(
    private readonly b: Binding,
    private readonly tree: number,
    private readonly owner: TreeCursor,
    private readonly handles: number[],
  ) {
    // HEAP32 is re-read each time: a cursor move can grow wasm memory, which replaces the view.
    for (let i = 0; i < 4; i++) b.HEAP32[transferWord + i] = handles[i]!;
  }
  typeId(): number {
    return this.b._ts_tree_cursor_current_node_type_id_wasm(this.tree);
  }
  fieldId(): number {
    return this.b._ts_tree_cursor_current_field_id_wasm(this.tree);
  }
  startIndex(): number {
    return this.b._ts_tree_cursor_start_index_wasm(this.tree);
  }
  endIndex(): number {
    return this.b._ts_tree_cursor_end_index_wasm(this.tree);
  }
  gotoFirstChild(): boolean {
    return this.b._ts_tree_cursor_goto_first_child_wasm(this.tree) === 1;
  }
  gotoNextSibling(): boolean {
    return this.b._ts_tree_cursor_goto_next_sibling_wasm(this.tree) === 1;
  }
  gotoParent(): boolean {
    return this.b._ts_tree_cursor_goto_parent_wasm(this.tree) === 1;
  }
  close(): void {
    const heap = this.b.HEAP32;
    for (let i = 0; i < 4; i++) this.handles[i] = heap[transferWord + i]!;
    this.owner.delete();
  }
}

class PublicCursor implements WalkCursor {
  constructor(private readonly c: TreeCursor) {}
  typeId(): number {
    return this.c.nodeTypeId;
  }
  fieldId(): number {
    return this.c.currentFieldId;
  }
  startIndex(): number {
    return this.c.startIndex;
  }
  endIndex(): number {
    return this.c.endIndex;
  }
  gotoFirstChild(): boolean {
    return this.c.gotoFirstChild();
  }
  gotoNextSibling(): boolean {
    return this.c.gotoNextSibling();
  }
  gotoParent(): boolean {
    return this.c.gotoParent();
  }
  close(): void {
    this.c.delete();
  }
}

/** A cursor at `node`; the caller must `close()` it before any other web-tree-sitter call. */
export function openWalkCursor(node: TsNode): WalkCursor {
  const cursor = node.walk();
  const handles = (cursor as unknown as { handles?: unknown }).handles;
  const tree = (node.tree as unknown as Record<number, unknown>)[0];
  if (enabled && binding && Array.isArray(handles) && handles.length === 4 && typeof tree === 'number') {
    return new DirectCursor(binding, tree, cursor, handles as number[]);
  }
  return new PublicCursor(cursor);
}
