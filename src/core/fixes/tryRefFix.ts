import type { Node, Tree } from 'web-tree-sitter';
import type { ApiKnowledge, RefApi } from '../apis/types';
import type { Finding, Fix } from '../findings';
import { rangeOf, type SourceRange } from '../source';
import { callsIn, enclosingFunction, indentAt, indentUnit, offsetAt, type CallSite } from './syntax';

/**
 * The quick fix for `try-ref-needed`: the try form of the get, and what to do when it fails (the
 * object is being freed: treat it as not found). Two shapes, both mechanical:
 *  - the object is the variable of the RCU walk the get sits in (`hlist_for_each_entry_rcu`,
 *    `CMAP_FOR_EACH`, a `for` over `rcu_dereference`): `if (!try(...)) continue;` — skip it;
 *  - otherwise, when the function already tests the pointer for NULL (a lookup that may find nothing):
 *    `if (!try(...)) p = NULL;` — as not found (`if (p) get(p)` becomes `if (p && !try(p)) p = NULL;`).
 * Only for a get of the API knowledge whose family has a try form taking the object the same way
 * (`kref_get` → `kref_get_unless_zero`, `ovs_refcount_ref` → `ovs_refcount_try_ref_rcu`); not for a
 * wrapper defined in the inputs (its try form is another function to write), nor for a get that is not
 * a statement of its own.
 */
export function tryRefFix(tree: Tree, text: string, finding: Finding, knowledge: ApiKnowledge): Fix | undefined {
  if (finding.ruleId !== 'try-ref-needed') return undefined;
  const ptr = /takes a reference on `([A-Za-z_]\w*)`/.exec(finding.message)?.[1];
  const reachedAt = finding.related.find((r) => (!r.uri || r.uri === finding.uri) && / reached here through /.test(r.message))?.range;
  if (!ptr || !reachedAt) return undefined;
  // The try form the finding names, when the knowledge has it as a try-get it can write.
  const tryName = /Use the try form \(`([A-Za-z_]\w*)`\)/.exec(finding.message)?.[1];
  const tryApi = knowledge.refs.find((r) => r.name === tryName && r.kind === 'tryget' && (r.success === 'nonzero' || r.success === 'zero')
    && r.implicitObj === undefined && r.objExpr === undefined);
  if (!tryApi) return undefined;
  const call = callsIn(tree, text, finding.range).find((c) => takesLike(c, tryApi, knowledge));
  const stmt = call?.node.parent;
  if (!call || stmt?.type !== 'expression_statement' || stmt.namedChildCount !== 1) return undefined;
  const attempt = `${tryApi.success === 'zero' ? '' : '!'}${tryApi.name}(${call.args.join(', ')})`;
  const fn = enclosingFunction(stmt);
  if (!fn) return undefined;

  const indent = indentAt(text, stmt.startIndex);
  const unit = indentUnit(text.slice(fn.startIndex, fn.endIndex));
  if (walkOf(stmt, text, reachedAt)) {
    return replaceStatement(stmt, indent, unit, `if (${attempt})`, 'continue;',
      `Use the try form and skip a ${ptr} that is being freed: \`if (${attempt}) continue;\``);
  }
  if (!testsForNull(text.slice(fn.startIndex, fn.endIndex), ptr)) return undefined;
  const title = `Use the try form; a ${ptr} that is being freed is not found: \`if (${attempt}) ${ptr} = NULL;\``;
  // `if (p) get(p);` (no braces, no else) becomes the idiom itself: `if (p && !try(p)) p = NULL;`.
  const parent = stmt.parent;
  const cond = parent?.type === 'if_statement' && parent.childForFieldName('consequence')?.startIndex === stmt.startIndex
    && !parent.childForFieldName('alternative') ? parent.childForFieldName('condition') : null;
  const inner = cond?.namedChildren.find((c) => c !== null && c.type !== 'comment');
  if (cond && inner && new RegExp(`^${ptr}(\\s*!=\\s*NULL)?$`).test(inner.text)) {
    const newCond = `(${inner.text} && ${attempt})`;
    return {
      title,
      edits: [
        { range: rangeOf(cond), newText: newCond },
        { range: rangeOf(stmt), newText: `${ptr} = NULL;` },
      ],
      isPreferred: true,
    };
  }
  return replaceStatement(stmt, indent, unit, `if (${attempt})`, `${ptr} = NULL;`, title);
}

/**
 * `if (attempt)` + `then` in place of the get's statement: on its own lines in a block, in braces where
 * the statement is the body of an `if`/loop (a bare `if` there would take a following `else`).
 */
function replaceStatement(stmt: Node, indent: string, unit: string, head: string, then: string, title: string): Fix {
  const inBlock = stmt.parent?.type === 'compound_statement';
  const body = inBlock
    ? `${head}\n${indent}${unit}${then}`
    : `{\n${indent}${unit}${head}\n${indent}${unit}${unit}${then}\n${indent}}`;
  return { title, edits: [{ range: rangeOf(stmt), newText: body }], isPreferred: true };
}

/**
 * Whether `call` names its object the way the try form does, so the try form takes the same arguments:
 * a get of the knowledge in the same family (`kref_get(&t->kref)`), or a bare count bump on a field
 * (`atomic_inc(&t->refcnt)` → `atomic_inc_not_zero(&t->refcnt)`). A wrapper (`port_ref(port)`) is not.
 */
function takesLike(call: CallSite, tryApi: RefApi, knowledge: ApiKnowledge): boolean {
  const get = knowledge.refs.find((r) => r.name === call.name && r.kind === 'get');
  if (get) {
    return get.family === tryApi.family && (get.objArg ?? 0) === (tryApi.objArg ?? 0) && (get.objFrom ?? 'self') === (tryApi.objFrom ?? 'self')
      && get.implicitObj === undefined && get.objExpr === undefined;
  }
  return tryApi.objFrom === 'field' && (tryApi.objArg ?? 0) === 0 && call.args.length === 1
    && /^&\s*[A-Za-z_]\w*\s*(?:->|\.)\s*\w+$/.test(call.args[0]!.trim());
}

/**
 * The loop the statement is in, when it is the RCU walk that reached the object (its head holds
 * `reachedAt`): the nearest enclosing `for`/`while`/`do`, or a walk macro, which tree-sitter reads as a
 * call statement without its `;` followed by the body block. Undefined when the nearest loop is another.
 */
function walkOf(stmt: Node, text: string, reachedAt: SourceRange): Node | undefined {
  const at = offsetAt(text, reachedAt.start);
  for (let n: Node | null = stmt.parent; n && n.type !== 'function_definition'; n = n.parent) {
    if (n.type === 'for_statement' || n.type === 'while_statement' || n.type === 'do_statement') {
      const body = n.childForFieldName('body');
      const headEnd = body ? body.startIndex : n.endIndex;
      return n.startIndex <= at && at < headEnd ? n : undefined;
    }
    if (n.type === 'compound_statement') {
      const head = n.previousNamedSibling;
      if (head?.type === 'expression_statement' && head.namedChild(0)?.type === 'call_expression' && !head.text.trimEnd().endsWith(';')) {
        return head.startIndex <= at && at < head.endIndex ? n : undefined;
      }
    }
  }
  return undefined;
}

/** The function compares the pointer with NULL somewhere (it copes with "not found"). */
function testsForNull(fnText: string, ptr: string): boolean {
  return new RegExp(`\\bif\\s*\\(\\s*!?\\s*${ptr}\\s*[)&|]|\\b${ptr}\\s*[!=]=\\s*NULL\\b|\\bNULL\\s*[!=]=\\s*${ptr}\\b|&&\\s*!?${ptr}\\s*\\)`).test(fnText);
}
