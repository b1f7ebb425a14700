// Small structural checks for data that crosses the webview boundary. Each returns the value typed, or
// throws a ShapeError naming the path that was wrong, so a rejected message can be logged precisely.

export class ShapeError extends Error {}

export type Rec = Record<string, unknown>;

export function rec(v: unknown, path: string): Rec {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ShapeError(`${path}: expected an object`);
  return v as Rec;
}

export function str(v: unknown, path: string, maxLength = 10_000): string {
  if (typeof v !== 'string') throw new ShapeError(`${path}: expected a string`);
  if (v.length > maxLength) throw new ShapeError(`${path}: longer than ${maxLength} characters`);
  return v;
}

export function int(v: unknown, path: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new ShapeError(`${path}: expected an integer`);
  if (v < min || v > max) throw new ShapeError(`${path}: ${v} is outside ${min}..${max}`);
  return v;
}

export function num(v: unknown, path: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ShapeError(`${path}: expected a finite number`);
  return v;
}

export function bool(v: unknown, path: string): boolean {
  if (typeof v !== 'boolean') throw new ShapeError(`${path}: expected true or false`);
  return v;
}

export function oneOf<T extends string>(v: unknown, path: string, allowed: readonly T[]): T {
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    throw new ShapeError(`${path}: expected one of ${allowed.join(', ')}`);
  }
  return v as T;
}

export function arr<T>(v: unknown, path: string, item: (x: unknown, p: string) => T, maxItems = 100_000): T[] {
  if (!Array.isArray(v)) throw new ShapeError(`${path}: expected an array`);
  if (v.length > maxItems) throw new ShapeError(`${path}: more than ${maxItems} items`);
  return v.map((x, i) => item(x, `${path}[${i}]`));
}

export function nullable<T>(v: unknown, path: string, inner: (x: unknown, p: string) => T): T | null {
  return v === null ? null : inner(v, path);
}

/** Rejects keys the shape does not name, so a misspelt field is noticed rather than ignored. */
export function onlyKeys(r: Rec, path: string, keys: readonly string[]): void {
  for (const k of Object.keys(r)) {
    if (!keys.includes(k)) throw new ShapeError(`${path}: unexpected field "${k}"`);
  }
}
