// States as compact one-byte strings for the visited set (and the BFS frontier, which keeps only keys).
// Each slot is one character when it is small (-64..190, nearly always), else an escape character
// followed by its 32 bits in four characters. All codes are below 256, so V8 stores the string one
// byte per character.

const ESC = 255;
const BIAS = 64;
const MAX_SMALL = ESC - 1 - BIAS;

let buf = new Uint8Array(1024);

export function stateKey(s: readonly number[]): string {
  if (s.length * 5 > buf.length) buf = new Uint8Array(s.length * 10);
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const v = s[i]!;
    if (v >= -BIAS && v <= MAX_SMALL) {
      buf[n++] = v + BIAS;
    } else {
      buf[n++] = ESC;
      buf[n++] = (v >>> 24) & 0xff;
      buf[n++] = (v >>> 16) & 0xff;
      buf[n++] = (v >>> 8) & 0xff;
      buf[n++] = v & 0xff;
    }
  }
  return String.fromCharCode.apply(null, buf.subarray(0, n) as unknown as number[]);
}

export function decodeKey(key: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < key.length; ) {
    const c = key.charCodeAt(i++);
    if (c !== ESC) {
      out.push(c - BIAS);
    } else {
      out.push(((key.charCodeAt(i) << 24) | (key.charCodeAt(i + 1) << 16) | (key.charCodeAt(i + 2) << 8) | key.charCodeAt(i + 3)) | 0);
      i += 4;
    }
  }
  return out;
}
