import { Edit, type Parser, type Tree } from 'web-tree-sitter';
import { diffTexts, pointAt } from './textChanges';

/**
 * Keeps the last syntax tree of each open document so that the next parse is incremental.
 *
 * The engine parses through `parser.parse(text)` itself (after blanking annotation macros, which
 * keeps every offset). `parserFor(uri)` hands it a parser whose `parse` diffs the new text against
 * the text the kept tree was built from, applies that one edit with `tree.edit`, and reparses from
 * the edited tree. Diffing the text tree-sitter actually sees (not the editor's change events) keeps
 * the tree right even when an edit completes or breaks an annotation macro the blanking hides.
 */
interface Kept {
  text: string;
  tree: Tree;
}

export interface ParseCounters {
  incremental: number;
  full: number;
}

export class DocumentTrees {
  private readonly kept = new Map<string, Kept>();
  readonly counters: ParseCounters = { incremental: 0, full: 0 };

  constructor(private readonly parser: Parser) {}

  /** A parser for the engine: reuses and updates the kept tree of `uri`. */
  parserFor(uri: string): Parser {
    const parseIncrementally = (text: string): Tree | null => this.parse(uri, text);
    return new Proxy(this.parser, {
      get(target, prop, receiver) {
        if (prop === 'parse') {
          return (input: unknown) => (typeof input === 'string' ? parseIncrementally(input) : target.parse(input as string));
        }
        const value: unknown = Reflect.get(target, prop, receiver);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
  }

  /** Parses `text` for `uri`; the caller owns the returned tree (a copy is kept here). */
  parse(uri: string, text: string): Tree | null {
    const old = this.kept.get(uri);
    let tree: Tree | null;
    if (old) {
      const d = diffTexts(old.text, text);
      if (d) {
        old.tree.edit(new Edit({
          startIndex: d.start,
          oldEndIndex: d.oldEnd,
          newEndIndex: d.newEnd,
          startPosition: pointAt(old.text, d.start),
          oldEndPosition: pointAt(old.text, d.oldEnd),
          newEndPosition: pointAt(text, d.newEnd),
        }));
      }
      tree = this.parser.parse(text, old.tree);
      this.counters.incremental++;
    } else {
      tree = this.parser.parse(text);
      this.counters.full++;
    }
    if (!tree) {
      this.forget(uri);
      return null;
    }
    old?.tree.delete();
    this.kept.set(uri, { text, tree: tree.copy() });
    return tree;
  }

  /** The tree of the last parse of `uri` (valid until the next parse or forget; do not delete it). */
  treeOf(uri: string): Tree | undefined {
    return this.kept.get(uri)?.tree;
  }

  has(uri: string): boolean {
    return this.kept.has(uri);
  }

  /** Deletes the kept tree (on close): trees live in wasm memory and are never garbage-collected. */
  forget(uri: string): void {
    this.kept.get(uri)?.tree.delete();
    this.kept.delete(uri);
  }

  get size(): number {
    return this.kept.size;
  }

  dispose(): void {
    for (const k of this.kept.values()) k.tree.delete();
    this.kept.clear();
  }
}
