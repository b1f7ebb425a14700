/**
 * Struct types whose pointer parameters carry ownership: a function given one must free it, hand
 * it on (a send, a queue, a store) or give it back, the same way on every exit when it returns
 * nothing (`void rx(struct vport *p, struct sk_buff *skb)`). Packet buffers are: the receive and
 * transmit paths pass them down and each layer consumes them. Reference-counted objects are not
 * (a parameter of those is usually lent).
 */
export const OWNED_PARAMETER_TYPES: ReadonlySet<string> = new Set(['sk_buff']);
