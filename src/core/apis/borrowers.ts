/**
 * Calls that read or fill the memory they are given and keep nothing: memory handed to them is
 * still the caller's to free (`memset(p, 0, sizeof *p)`, `INIT_LIST_HEAD(&p->list)`,
 * `spin_lock_init(&p->lock)`). Any other call with no body in sight may keep what it is given
 * (`shash_add(&map, name, p)`), so an allocation passed to it is taken as handed on.
 */
const NAMES = new Set([
  'memset', 'memcpy', 'memmove', 'memcmp', 'strcpy', 'strncpy', 'strlcpy', 'strscpy', 'strcat', 'strncat', 'strlcat',
  'strcmp', 'strncmp', 'strlen', 'strnlen', 'sprintf', 'snprintf', 'scnprintf', 'vsnprintf', 'sscanf',
  'RtlZeroMemory', 'RtlCopyMemory', 'RtlMoveMemory', 'RtlFillMemory', 'RtlCompareMemory', 'NdisZeroMemory',
  'NdisMoveMemory', 'NdisFillMemory', 'NdisEqualMemory', 'RtlStringCbCopyA', 'RtlStringCbPrintfA',
  'InitializeListHead', 'KeInitializeSpinLock', 'KeInitializeEvent', 'NdisAllocateSpinLock', 'NdisInitializeEvent',
  'ExInitializeResourceLite', 'ExInitializeFastMutex',
  'atomic_set', 'atomic64_set', 'atomic_long_set', 'refcount_set', 'kref_init', 'ovs_refcount_init',
  'u64_stats_init', 'seqcount_init', 'hmap_init', 'cmap_init', 'hindex_init', 'ovs_list_init', 'list_init',
  'ds_init', 'ofpbuf_init', 'ofpbuf_use_stub', 'ovs_mutex_init', 'ovs_mutex_init_recursive', 'ovs_mutex_init_adaptive',
  'ovs_rwlock_init', 'ovs_spin_init', 'latch_init', 'seq_init',
]);

/**
 * `INIT_*` macros, `*_init` functions, `*_lock_init`: they set up the memory in place. Netlink
 * builders write into the message they are given (`nla_put_u32(skb, …)`, `genlmsg_put(skb, …)`).
 * Packet-buffer accessors read or move offsets inside the skb (`skb_reset_mac_header`,
 * `eth_hdr`, `skb_shinfo`, the control-block macros `OVS_CB(skb)`, `IPCB(skb)`): none takes it over.
 */
const PATTERNS = [/^INIT_[A-Z_]+$/, /^[a-z][a-z0-9_]*_init$/, /^init_[a-z0-9_]+$/, /^[a-z_]*lock_init$/, /^_*nla_(put|nest_start|nest_end|nest_cancel|reserve)\w*$/, /^(genlmsg|nlmsg)_(put|end|cancel|data)$/, /^skb_(put|push|pull|reserve|trim)\w*$/,
  /^skb_(reset|set)_(inner_)?(mac|network|transport)_header$/, /^skb_(inner_)?(mac|network|transport)_(header|offset)(_len)?$/,
  /^(inner_)?(eth|ip|ipv6|tcp|udp|icmp|icmp6|arp|vlan_eth|sctp|gre)_hdr$/,
  /^skb_(headroom|tailroom|headlen|tail_pointer|end_pointer|shinfo|dst|is_gso|clear_hash|get_hash|set_hash|copy_bits|store_bits|header_pointer|vlan_tag_present|postpull_rcsum|postpush_rcsum|reset_tail_pointer|set_tail_pointer|zerocopy|zerocopy_headlen|checksum_help|tx_error)$/,
  /^[A-Z][A-Z0-9_]*CB$/];

export function isBorrower(name: string): boolean {
  return NAMES.has(name) || PATTERNS.some((re) => re.test(name));
}
