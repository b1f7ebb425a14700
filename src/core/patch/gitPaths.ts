/**
 * Path handling for diff headers: git's C-style quoting, `a/`/`b/` prefixes, `/dev/null`, and the
 * tab-separated timestamps GNU diff writes after `---`/`+++` names.
 */

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\', a: '\x07', b: '\b', f: '\f', v: '\v' };

/** Undoes git's quoting of `"a/odd\tname"` (octal escapes are UTF-8 bytes). Undefined if malformed. */
export function unquoteGitPath(quoted: string): string | undefined {
  if (!quoted.startsWith('"') || !quoted.endsWith('"') || quoted.length < 2) return undefined;
  const bytes: number[] = [];
  const body = quoted.slice(1, -1);
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== '\\') {
      for (const b of Buffer.from(c, 'utf8')) bytes.push(b);
      continue;
    }
    const next = body[i + 1];
    if (next === undefined) return undefined;
    if (/[0-7]/.test(next)) {
      const oct = /^[0-7]{1,3}/.exec(body.slice(i + 1))![0];
      bytes.push(parseInt(oct, 8) & 0xff);
      i += oct.length;
    } else if (ESCAPES[next] !== undefined) {
      bytes.push(ESCAPES[next]!.charCodeAt(0));
      i++;
    } else {
      return undefined;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** `a/x.c` → `x.c`; `/dev/null` → undefined. Other names are kept as written. */
export function stripPrefix(name: string): string | undefined {
  if (name === '/dev/null') return undefined;
  if (name.startsWith('a/') || name.startsWith('b/')) return name.slice(2);
  return name;
}

/** The file name of a `--- name\tdate` / `+++ name` line (quoted names allowed). */
export function fileHeaderName(rest: string): string | undefined {
  if (rest.startsWith('"')) {
    const end = findClosingQuote(rest);
    return end < 0 ? undefined : unquoteGitPath(rest.slice(0, end + 1));
  }
  const tab = rest.indexOf('\t');
  const name = (tab >= 0 ? rest.slice(0, tab) : rest).replace(/\s+$/, '');
  return name === '' ? undefined : name;
}

function findClosingQuote(s: string): number {
  for (let i = 1; i < s.length; i++) {
    if (s[i] === '\\') i++;
    else if (s[i] === '"') return i;
  }
  return -1;
}

/**
 * The two names of `diff --git a/x b/y`. Unquoted names may hold spaces, so when both sides are
 * the same file the line is split in its middle; renames get their names from `rename from/to`.
 */
export function gitDiffNames(rest: string): { oldName: string; newName: string } | undefined {
  if (rest.startsWith('"')) {
    const end = findClosingQuote(rest);
    if (end < 0) return undefined;
    const oldName = unquoteGitPath(rest.slice(0, end + 1));
    const tail = rest.slice(end + 1).trimStart();
    const newName = tail.startsWith('"') ? unquoteGitPath(tail) : tail;
    return oldName !== undefined && newName ? { oldName, newName } : undefined;
  }
  const half = (rest.length - 1) / 2;
  if (Number.isInteger(half) && rest[half] === ' ' && rest.slice(2, half) === rest.slice(half + 3)) {
    return { oldName: rest.slice(0, half), newName: rest.slice(half + 1) };
  }
  const quotedNew = rest.indexOf(' "');
  if (quotedNew > 0) {
    const newName = unquoteGitPath(rest.slice(quotedNew + 1));
    return newName ? { oldName: rest.slice(0, quotedNew), newName } : undefined;
  }
  const sep = rest.indexOf(' b/');
  if (sep < 0) return undefined;
  return { oldName: rest.slice(0, sep), newName: rest.slice(sep + 1) };
}
