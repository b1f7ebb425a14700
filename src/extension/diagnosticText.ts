// What a diagnostic says, in plain words, and which locations it points at. Pure (no vscode import):
// the rules write Markdown-ish text (`code` in backticks) for the CLI and the hover; the Problems panel
// shows a diagnostic's message as plain text and cuts a long one, so the message drops the backticks
// and the clauses its related locations already show, and keeps only the path steps that explain it.
import type { Finding, PathStep } from '../core/findings';
import type { SourceRange } from '../core/source';

/** `x` → 'x', as compilers quote code in plain text. */
export function unquoteCode(text: string): string {
  return text.replace(/`([^`]*)`/g, "'$1'");
}

/**
 * The diagnostic's message: plain text, without what the related locations show anyway — the
 * branch decisions (", reached when `x` (line 7) is true") and `(file.c:12)` places. The full text
 * stays in the hover.
 */
export function plainMessage(f: Pick<Finding, 'message'>): string {
  const short = f.message
    .replace(/, reached when .*?(?=: | — |$)/, '')
    .replace(/ \((?:[^()\s]+\/)?[^()\s/]+\.[ch]:\d+\)/g, '');
  return unquoteCode(short);
}

/** Backticked names in a finding's message: the lock(s) or object(s) it is about. */
function subjects(message: string): Set<string> {
  return new Set([...message.matchAll(/`([^`]+)`/g)].map((m) => m[1]!));
}

/** A path step that is an event of one object: "`l` taken (spin_lock)", "reference to `dev` dropped (dev_put)", "`p` freed (kfree)". */
const EVENT = /^(?:reference to )?`([^`]+)` (?:taken|released|dropped|freed)\b|^reference to `([^`]+)` /;
/** A branch decision: "`x` is true", "`v` goes to `default`". */
const BRANCH = /^`[^`]*` (?:is (?:true|false)|goes to `default`)$/;

function same(a: SourceRange, b: SourceRange): boolean {
  return a.start.line === b.start.line && a.start.column === b.start.column && a.end.line === b.end.line && a.end.column === b.end.column;
}

/**
 * The path steps worth pointing at: the events of the lock or object the finding is about (not the
 * other locks and references the path also met), and — when the finding depends on the path taken
 * (its message says "reached when" or "on this path") — the branch decisions after its first event.
 * Steps at the finding's own range or at a related location are left out: they are shown already.
 */
export function explainingSteps(f: Finding): PathStep[] {
  const about = subjects(f.message);
  const pathMatters = /, reached when |on this path/.test(f.message);
  const shown = (s: PathStep): boolean => same(s.range, f.range) || f.related.some((r) => !r.uri && same(r.range, s.range));
  const eventOf = (s: PathStep): string | undefined => {
    const ev = EVENT.exec(s.message);
    return ev ? ev[1] ?? ev[2]! : undefined;
  };
  // Decisions before the object's first event do not explain what happens to it (a lock never taken
  // on this path: every decision may).
  const first = f.path.findIndex((s) => about.has(eventOf(s) ?? ''));
  const out: PathStep[] = [];
  f.path.forEach((s, i) => {
    const name = eventOf(s);
    const keep = name !== undefined ? about.has(name)
      : BRANCH.test(s.message) ? pathMatters && i > first
        : i === f.path.length - 1; // returns, calls: only the step the path ends on
    if (keep && !shown(s)) out.push(s);
  });
  return out;
}
