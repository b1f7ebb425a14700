// The explorer's visited set and search tree, kept out of the JavaScript heap so that no engine limit
// (a Map holds at most 2^24 entries; the heap a few GB) can end a long run: every state is encoded as
// bytes (small slots one byte each, see stateKey.ts) into an arena of large byte chunks, found again
// through an open-addressing hash table of state ids, and linked to its parent by typed arrays.
// About 20 bytes per state plus its key; a breadth-first search numbers states level by level, so a
// level of the frontier is simply a range of ids.

const CHUNK_BYTES = 1 << 24;
const ESC = 255;
const BIAS = 64;
const MAX_SMALL = ESC - 1 - BIAS;

/** Bytes a state of `slots` small values costs here, table and links included (for memory budgets). */
export function bytesPerState(slots: number): number {
  // key + its length prefix + offset (8) + hash (4) + parent (4) + via (1) + table slots (~12 at ≤ 0.5 load)
  return slots + 2 + 8 + 4 + 4 + 1 + 12;
}

function grow<T extends Float64Array | Int32Array | Uint32Array | Uint8Array>(a: T, need: number, make: (n: number) => T): T {
  if (need <= a.length) return a;
  let n = a.length;
  while (n < need) n *= 2;
  const b = make(n);
  b.set(a);
  return b;
}

export class StateStore {
  private chunks: Uint8Array[] = [new Uint8Array(CHUNK_BYTES)];
  private used = 0;
  private offsets = new Float64Array(1024);
  private hashes = new Uint32Array(1024);
  private parents = new Int32Array(1024);
  private vias = new Uint8Array(1024);
  /** id + 1 per slot; 0 = empty. */
  private table = new Int32Array(2048);
  private scratch = new Uint8Array(1024);
  private count = 0;
  /** Whether the last `intern` added a new state. */
  added = false;

  get size(): number {
    return this.count;
  }

  /** Bytes held (arena chunks, table and per-state arrays). */
  get bytes(): number {
    return this.chunks.length * CHUNK_BYTES + this.table.byteLength + this.offsets.byteLength + this.hashes.byteLength + this.parents.byteLength + this.vias.byteLength;
  }

  parent(id: number): number {
    return this.parents[id]!;
  }

  via(id: number): number {
    return this.vias[id]!;
  }

  /** Id of s, or -1 when it was never added. */
  find(s: readonly number[]): number {
    const n = this.encode(s);
    const h = hashBytes(this.scratch, n);
    const mask = this.table.length - 1;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const e = this.table[i]!;
      if (e === 0) return -1;
      if (this.hashes[e - 1] === h && this.equals(e - 1, n)) return e - 1;
    }
  }

  /** Id of s, adding it (with its parent and the step that reached it) when new; sets `added`. */
  intern(s: readonly number[], parent: number, via: number): number {
    const n = this.encode(s);
    const h = hashBytes(this.scratch, n);
    let mask = this.table.length - 1;
    let i = h & mask;
    for (; ; i = (i + 1) & mask) {
      const e = this.table[i]!;
      if (e === 0) break;
      if (this.hashes[e - 1] === h && this.equals(e - 1, n)) {
        this.added = false;
        return e - 1;
      }
    }
    const id = this.count++;
    const need = this.count;
    this.offsets = grow(this.offsets, need, (k) => new Float64Array(k));
    this.hashes = grow(this.hashes, need, (k) => new Uint32Array(k));
    this.parents = grow(this.parents, need, (k) => new Int32Array(k));
    this.vias = grow(this.vias, need, (k) => new Uint8Array(k));
    this.offsets[id] = this.store(n);
    this.hashes[id] = h;
    this.parents[id] = parent;
    this.vias[id] = via;
    if (this.count * 2 > this.table.length) {
      this.rehash();
      mask = this.table.length - 1;
      for (i = h & mask; this.table[i] !== 0; i = (i + 1) & mask);
    }
    this.table[i] = id + 1;
    this.added = true;
    return id;
  }

  /** The state with this id. */
  state(id: number): number[] {
    const at = this.offsets[id]!;
    const chunk = this.chunks[Math.floor(at / CHUNK_BYTES)]!;
    let p = at % CHUNK_BYTES;
    const len = chunk[p]! | (chunk[p + 1]! << 8) | (chunk[p + 2]! << 16);
    p += 3;
    const end = p + len;
    const out: number[] = [];
    while (p < end) {
      const c = chunk[p++]!;
      if (c !== ESC) out.push(c - BIAS);
      else {
        out.push(((chunk[p]! << 24) | (chunk[p + 1]! << 16) | (chunk[p + 2]! << 8) | chunk[p + 3]!) | 0);
        p += 4;
      }
    }
    return out;
  }

  private encode(s: readonly number[]): number {
    if (s.length * 5 > this.scratch.length) this.scratch = new Uint8Array(s.length * 10);
    const b = this.scratch;
    let n = 0;
    for (let i = 0; i < s.length; i++) {
      const v = s[i]!;
      if (v >= -BIAS && v <= MAX_SMALL) b[n++] = v + BIAS;
      else {
        b[n++] = ESC;
        b[n++] = (v >>> 24) & 0xff;
        b[n++] = (v >>> 16) & 0xff;
        b[n++] = (v >>> 8) & 0xff;
        b[n++] = v & 0xff;
      }
    }
    return n;
  }

  private equals(id: number, n: number): boolean {
    const at = this.offsets[id]!;
    const chunk = this.chunks[Math.floor(at / CHUNK_BYTES)]!;
    let p = at % CHUNK_BYTES;
    if ((chunk[p]! | (chunk[p + 1]! << 8) | (chunk[p + 2]! << 16)) !== n) return false;
    p += 3;
    const b = this.scratch;
    for (let i = 0; i < n; i++) if (chunk[p + i] !== b[i]) return false;
    return true;
  }

  /** Appends the scratch key (length-prefixed) to the arena; returns its global offset. */
  private store(n: number): number {
    const size = n + 3;
    if (size > CHUNK_BYTES) throw new RangeError('a state is larger than a store chunk');
    if (this.used + size > CHUNK_BYTES) {
      this.chunks.push(new Uint8Array(CHUNK_BYTES));
      this.used = 0;
    }
    const chunk = this.chunks[this.chunks.length - 1]!;
    const at = this.used;
    chunk[at] = n & 0xff;
    chunk[at + 1] = (n >>> 8) & 0xff;
    chunk[at + 2] = (n >>> 16) & 0xff;
    chunk.set(this.scratch.subarray(0, n), at + 3);
    this.used += size;
    return (this.chunks.length - 1) * CHUNK_BYTES + at;
  }

  private rehash(): void {
    const table = new Int32Array(this.table.length * 2);
    const mask = table.length - 1;
    for (let id = 0; id < this.count - 1; id++) {
      let i = this.hashes[id]! & mask;
      while (table[i] !== 0) i = (i + 1) & mask;
      table[i] = id + 1;
    }
    this.table = table;
  }
}

/** FNV-1a over the key bytes, finished with a murmur-style mix so that the low bits index well. */
function hashBytes(b: Uint8Array, n: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < n; i++) h = Math.imul(h ^ b[i]!, 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h >>> 0;
}
