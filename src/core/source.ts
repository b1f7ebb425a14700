/** Positions are 0-based (line and UTF-16 column), like VS Code; formatters add 1 for humans. */
export interface SourcePos {
  line: number;
  column: number;
}

export interface SourceRange {
  start: SourcePos;
  end: SourcePos;
}

export interface PointLike {
  row: number;
  column: number;
}

export interface NodeLike {
  startPosition: PointLike;
  endPosition: PointLike;
}

export function rangeOf(node: NodeLike): SourceRange {
  // The plain-JS syntax copy keeps its range (see syntax.ts): ranges are never changed once made.
  const cached = (node as { sourceRange?: SourceRange }).sourceRange;
  if (cached) return cached;
  return {
    start: { line: node.startPosition.row, column: node.startPosition.column },
    end: { line: node.endPosition.row, column: node.endPosition.column },
  };
}

export function posOf(node: NodeLike): SourcePos {
  return { line: node.startPosition.row, column: node.startPosition.column };
}

export function comparePos(a: SourcePos, b: SourcePos): number {
  return a.line - b.line || a.column - b.column;
}
