/**
 * Function identity across a set of files: a `static` function is its file plus its name, a
 * function with external linkage is its name. A call by name from file F reaches F's own `static`
 * definition first, then the external one, then a `static` (usually `static inline`) definition
 * in a header. Two `static` helpers with one name in two files are two functions.
 */

export type FnKey = string;

export function fnKey(uri: string, name: string, isStatic: boolean): FnKey {
  return isStatic ? `${uri}#${name}` : name;
}

export function isHeader(uri: string): boolean {
  return /\.(h|hh|hpp|inc)$/i.test(uri);
}

/** Where the definitions of each name are; rebuilt when files come and go (cheap: names only). */
export class FunctionIndex {
  /** External definitions by name (first in file order wins; later ones are other configurations). */
  private readonly external = new Map<string, FnKey>();
  /** `static` definitions in headers by name (first wins). */
  private readonly headerStatic = new Map<string, FnKey>();
  /** Every `static` key. */
  private readonly statics = new Set<FnKey>();

  add(uri: string, name: string, isStatic: boolean): void {
    if (!isStatic) {
      if (!this.external.has(name)) this.external.set(name, name);
      return;
    }
    const key = fnKey(uri, name, true);
    this.statics.add(key);
    if (isHeader(uri) && !this.headerStatic.has(name)) this.headerStatic.set(name, key);
  }

  /** The definition a call to `name` from file `uri` reaches, if any is among the inputs. */
  resolve(uri: string, name: string): FnKey | undefined {
    const own = `${uri}#${name}`;
    if (this.statics.has(own)) return own;
    return this.external.get(name) ?? this.headerStatic.get(name);
  }

  has(key: FnKey): boolean {
    return this.statics.has(key) || this.external.has(key);
  }
}
