import type { Tree } from 'web-tree-sitter';
import type { ApiKnowledge, RefApi } from '../apis/types';
import type { Finding, Fix } from '../findings';
import { rangeOf } from '../source';
import { callsNamed, declaredTypeOf, structFields } from './declarations';
import { callsIn, enclosingFunction } from './syntax';

/**
 * The quick fix for `rcu-free`: defer the free with the grace-period API the file already uses. Two
 * shapes, both read from the API knowledge (a `free` with `deferred: true`), never from names:
 *  - callback form, the object in argument 1 (`ovsrcu_postpone(free, n)` for `free(n)`): any one-argument free;
 *  - same family, the object in argument 0 (`kfree_rcu(vport, rcu)` for `kfree(vport)`): the second
 *    argument is the object's `struct rcu_head` field, read from the struct's definition in the file.
 * The same-family form wins (it is the idiom of that allocator); otherwise the one callback form the file
 * calls. Nothing when the file calls none of them, when more than one would fit, or when the free is not
 * a plain call on the object — guessing a grace-period API for a file is not mechanical.
 */
export function rcuFreeFix(tree: Tree, text: string, finding: Finding, knowledge: ApiKnowledge): Fix | undefined {
  if (finding.ruleId !== 'rcu-free') return undefined;
  // The freed expression: a variable, or (an RCU-published field's value) an accessor call or a field.
  const obj = /^`([^`]+)`/.exec(finding.message)?.[1];
  if (!obj) return undefined;
  const free = callsIn(tree, text, finding.range).find((c) => c.args.length >= 1 && c.args[0]!.replace(/\s+/g, '') === obj.replace(/\s+/g, ''));
  if (!free) return undefined;
  const deferred = knowledge.refs.filter((r) => r.kind === 'free' && r.deferred === true && r.implicitObj === undefined && r.objExpr === undefined);
  const called = new Set(callsNamed(tree, new Set(deferred.map((r) => r.name))).map((n) => n.childForFieldName('function')!.text));
  const inFile = deferred.filter((r) => called.has(r.name));
  const freeApi = knowledge.refs.find((r) => r.name === free.name && r.kind === 'free' && r.deferred !== true);

  const sameFamily = freeApi?.family === undefined ? [] : inFile.filter((r) => r.family === freeApi.family && (r.objArg ?? 0) === 0);
  if (sameFamily.length === 1 && free.args.length === 1 && /^[A-Za-z_]\w*$/.test(obj)) {
    const field = rcuHeadField(tree, text, finding, obj);
    if (field) return fix(sameFamily[0]!, `${sameFamily[0]!.name}(${obj}, ${field})`, free.node, free.name);
  }
  const callback = inFile.filter((r) => r.objArg === 1);
  if (sameFamily.length === 0 && callback.length === 1 && free.args.length === 1) {
    return fix(callback[0]!, `${callback[0]!.name}(${free.name}, ${free.args[0]!.trim()})`, free.node, free.name);
  }
  return undefined;
}

function fix(api: RefApi, call: string, node: Parameters<typeof rangeOf>[0], freeName: string): Fix {
  return {
    title: `Defer the free until readers are done: \`${call}\` (${api.name} instead of ${freeName})`,
    edits: [{ range: rangeOf(node), newText: call }],
    isPreferred: true,
  };
}

/** The `struct rcu_head` field of the object's struct (`struct vport *vport` → `rcu`), when the file defines it. */
function rcuHeadField(tree: Tree, text: string, finding: Finding, obj: string): string | undefined {
  const at = callsIn(tree, text, finding.range)[0]?.node;
  const fn = at ? enclosingFunction(at) : undefined;
  const type = fn ? declaredTypeOf(fn, obj) : undefined;
  const tag = type ? /^(?:const )?struct (\w+) \*$/.exec(type)?.[1] : undefined;
  const fields = tag ? structFields(tree, tag) : undefined;
  const heads = [...(fields ?? new Map<string, string>())].filter(([, t]) => t === 'struct rcu_head').map(([name]) => name);
  return heads.length === 1 ? heads[0] : undefined;
}
