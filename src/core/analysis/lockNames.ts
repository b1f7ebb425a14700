/**
 * A file-scope `static` variable is that file's own: `mutex` in lib/seq.c and `mutex` in
 * lib/vlog.c are two locks. Its identity carries the file (`mutex@lib_seq_c`), everywhere the
 * engine names a lock — the body's calls, contracts, summaries — so callers in the same file and
 * the function itself agree, and other files never collide with it. Messages show what the code wrote.
 */
export function qualifyStatic(id: string, uri: string, isStatic: (name: string) => boolean, isLocal: (name: string) => boolean = () => false): string {
  const m = /^([*&]*)([A-Za-z_]\w*)(.*)$/s.exec(id);
  if (!m || m[3]!.startsWith('@') || isLocal(m[2]!) || !isStatic(m[2]!)) return id;
  return `${m[1]}${m[2]}@${fileTag(uri)}${m[3]}`;
}

export function fileTag(uri: string): string {
  return uri.replace(/[^A-Za-z0-9_]/g, '_');
}

/** A lock as the code writes it: without the file a `static` lock's identity carries. */
export function plainName(id: string): string {
  return id.includes('@') ? id.replace(/@\w+/g, '') : id;
}
