import type { SyntaxNode as Node } from '../c/syntax';
import { rangeOf } from '../source';
import { calleeName } from './ops';
import type { AbsState } from './state';
import type { Branch, FnContext } from './fnContext';
import type { RefEffect } from './types';

/**
 * Pointers into a packet buffer (Linux `sk_buff` head): `skb->data`, `skb_network_header(skb)`,
 * `ip_hdr(skb)`, and pointers computed from them (`(struct md *)(hdr + 1)`). Calls that may
 * reallocate the head (`pskb_may_pull`, `skb_cow_head`, `__iptunnel_pull_header`, … or a function
 * whose body calls one on that argument) leave every such pointer dangling at the old head; reading
 * through one afterwards is a use-after-release. Marks ride in the dead-object list: `view` (a live
 * pointer into `of`'s buffer), then `stale` after a reallocating call.
 */

/** Calls that may reallocate the buffer of their first argument. */
const REALLOCATES = new Set([
  'pskb_may_pull', 'pskb_expand_head', 'skb_cow', 'skb_cow_head', 'skb_cow_data', 'skb_unclone', 'skb_linearize',
  '__skb_linearize', 'skb_ensure_writable', 'skb_make_writable', 'skb_vlan_pop', 'skb_vlan_push', '__skb_vlan_pop',
  'iptunnel_pull_header', '__iptunnel_pull_header', 'pskb_pull', 'skb_share_check', 'skb_checksum_help',
  'skb_try_make_writable', 'pskb_trim_rcsum',
]);

export function isReallocating(name: string): boolean {
  return REALLOCATES.has(name);
}

/** Accessors that return a pointer into the buffer of their (only) argument. */
const HEADER_ACCESSORS = /^(skb_(mac|network|transport|inner_network|inner_transport|inner_mac)_header|(ip|ipv6|tcp|udp|icmp|icmp6|eth|arp|vlan_eth|ipip|gre|sctp|igmp|mpls)_hdr|skb_vlan_eth_hdr)$/;

/** The buffer owner a right-hand side points into: `skb->data` → `skb`, `ip_hdr(skb)` → `skb`, `p + 1` → p's owner. */
function viewOwner(rhs: Node, s: AbsState, depth = 0): string | undefined {
  if (depth > 6) return undefined;
  const e = rhs;
  if (e.type === 'parenthesized_expression' || e.type === 'cast_expression') {
    const inner = e.type === 'cast_expression' ? e.childForFieldName('value') : e.namedChildren[0];
    return inner ? viewOwner(inner, s, depth + 1) : undefined;
  }
  if (e.type === 'field_expression') {
    const arg = e.childForFieldName('argument');
    const field = e.childForFieldName('field')?.text;
    if (arg?.type === 'identifier' && e.text.includes('->') && field === 'data') return arg.text;
    return undefined;
  }
  if (e.type === 'call_expression') {
    const name = calleeName(e);
    const args = e.childForFieldName('arguments')?.namedChildren ?? [];
    if (name && HEADER_ACCESSORS.test(name) && args.length === 1 && args[0]!.type === 'identifier') return args[0]!.text;
    return undefined;
  }
  if (e.type === 'binary_expression') {
    const op = e.childForFieldName('operator')?.text;
    if (op !== '+' && op !== '-') return undefined;
    const l = e.childForFieldName('left');
    const r = e.childForFieldName('right');
    // `skb->data - skb_mac_header(skb)` is a distance, not a pointer.
    if (op === '-' && r && viewOwner(r, s, depth + 1) !== undefined) return undefined;
    return l ? viewOwner(l, s, depth + 1) : undefined;
  }
  if (e.type === 'pointer_expression' && e.text.startsWith('&')) {
    // `&hdr->field`: still inside the buffer.
    const arg = e.childForFieldName('argument');
    const base = arg?.type === 'field_expression' ? arg.childForFieldName('argument') : null;
    return base ? viewOwner(base, s, depth + 1) : undefined;
  }
  if (e.type === 'identifier') return s.dead.find((d) => d.how === 'view' && d.obj === e.text)?.of;
  return undefined;
}

/** Whether the function tracks packet views at all (it reads a buffer pointer somewhere): keeps other code free of the cost. */
export function mayViewPackets(bodyText: string): boolean {
  return /->\s*data\b|_hdr\s*\(|_header\s*\(/.test(bodyText);
}

/** After `lhs = rhs`: a pointer into a buffer is watched; another value ends the watch (refTransfer's reassignment). */
export function notePacketView(ctx: FnContext, b: Branch, lhs: Node, rhs: Node | null): void {
  if (!ctx.packetViews || !rhs || lhs.type !== 'identifier' || !ctx.isLocal(lhs.text) || ctx.isScalar(lhs.text)) return;
  const of = viewOwner(rhs, b.s);
  if (!of) return;
  const s = b.s;
  s.dead = [...s.dead.filter((d) => d.obj !== lhs.text), { obj: lhs.text, display: lhs.text, api: 'view', site: rangeOf(rhs), how: 'view', of }];
}

/** Which arguments a call may reallocate: the API's first argument, or what the callee's body says. */
export function reallocatedArgs(ctx: FnContext, name: string, args: readonly Node[]): string[] {
  if (!ctx.packetViews) return [];
  const out: string[] = [];
  if (REALLOCATES.has(name) && args[0]?.type === 'identifier') out.push(args[0].text);
  for (const r of ctx.call(name).summary?.refs ?? []) {
    const m = r.op === 'invalidate' ? /^\$(\d+)$/.exec(r.target) : null;
    const a = m ? args[Number(m[1])] : undefined;
    if (a?.type === 'identifier') out.push(a.text);
  }
  return out;
}

/** A call that may reallocate `of`'s buffer: every view into it is stale from here. */
export function invalidateViews(s: AbsState, of: string, api: string, call: Node): void {
  if (!s.dead.some((d) => d.how === 'view' && d.of === of)) return;
  const site = rangeOf(call);
  s.dead = s.dead.map((d) => (d.how === 'view' && d.of === of ? { ...d, how: 'stale' as const, api, site } : d));
}

/** Summary entries: parameters whose buffer the body may reallocate (directly or through a callee). */
export function invalidatedParams(body: Node, params: readonly string[], call: FnContext['call']): RefEffect[] {
  const out = new Set<number>();
  for (const c of body.indexedDescendants('call_expression')) {
    const name = c ? calleeName(c) : null;
    if (!c || !name) continue;
    const args = c.childForFieldName('arguments')?.namedChildren ?? [];
    const hit = (a: Node | undefined): void => {
      const i = a?.type === 'identifier' ? params.indexOf(a.text) : -1;
      if (i >= 0) out.add(i);
    };
    if (REALLOCATES.has(name)) hit(args[0]);
    for (const r of call(name).summary?.refs ?? []) {
      const m = r.op === 'invalidate' ? /^\$(\d+)$/.exec(r.target) : null;
      if (m) hit(args[Number(m[1])]);
    }
  }
  return [...out].sort().map((i) => ({ target: `$${i}`, op: 'invalidate' as const }));
}
