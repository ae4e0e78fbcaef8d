// container.network: a list view over the lxc.net.N.* config items (python3-lxc's ContainerNetworkList).
import { LxcError } from '../errors.js';

/** What the network view needs from its container. */
export interface ConfigAccess {
  getConfigItem(key: string): string;
  /** The raw value, or undefined when liblxc has no such item (e.g. no nic N). */
  tryConfigItem(key: string): string | undefined;
  setConfigItem(key: string, value: string): void;
  clearConfigItem(key: string): void;
  /** The config keys liblxc supports under a prefix such as 'lxc.net.0'. */
  getKeys(prefix: string): string[];
}

// util.inspect's hook, by its registered name: node:util need not load with this module.
const inspectCustom = Symbol.for('nodejs.util.inspect.custom');
/** util.inspect's signature, as its custom hook is handed it. */
export type Inspect = (value: unknown, options: object) => string;

/** The nic types lxc.net.N.type takes (liblxc's confile.c; ipvlan since liblxc 3.2). */
export const netTypes = ['veth', 'macvlan', 'ipvlan', 'vlan', 'phys', 'empty', 'none'] as const;

/** A nic type: one of {@link netTypes}. */
export type NetType = (typeof netTypes)[number];

/** The items of a nic that NetworkInterface has as properties (lxc.net.N.<item>; '' when unset). */
export interface NetworkItems {
  /** lxc.net.N.type: 'veth', 'macvlan', 'vlan', 'phys', 'empty', 'none', ... */
  type: string;
  /** lxc.net.N.link: the host bridge or device. */
  link: string;
  /** lxc.net.N.flags: 'up' to bring the nic up. */
  flags: string;
  /** lxc.net.N.hwaddr: the MAC address (x's are filled in randomly). */
  hwaddr: string;
  /** lxc.net.N.name: the nic's name inside the container. */
  name: string;
  /** lxc.net.N.mtu. */
  mtu: string;
  /** lxc.net.N.ipv4.address: addresses with prefix, '\n'-joined. */
  ipv4Address: string;
  /** lxc.net.N.ipv4.gateway. */
  ipv4Gateway: string;
  /** lxc.net.N.ipv6.address: addresses with prefix, '\n'-joined. */
  ipv6Address: string;
  /** lxc.net.N.ipv6.gateway. */
  ipv6Gateway: string;
  /** lxc.net.N.veth.pair: the host side's name. */
  vethPair: string;
  /** lxc.net.N.veth.mode: 'bridge' or 'router'. */
  vethMode: string;
  /** lxc.net.N.vlan.id. */
  vlanId: string;
  /** lxc.net.N.macvlan.mode: 'private', 'vepa', 'bridge' or 'passthru'. */
  macvlanMode: string;
  /** lxc.net.N.script.up: a script run when the nic is set up. */
  scriptUp: string;
  /** lxc.net.N.script.down: a script run when the nic is torn down. */
  scriptDown: string;
}

/** A property name of NetworkInterface that stands for a nic item. */
export type NetworkKey = keyof NetworkItems;

// camelCase property → lxc.net.N.<key>.
const KEYS: { readonly [K in NetworkKey]: string } = {
  type: 'type', link: 'link', flags: 'flags', hwaddr: 'hwaddr', name: 'name', mtu: 'mtu',
  ipv4Address: 'ipv4.address', ipv4Gateway: 'ipv4.gateway', ipv6Address: 'ipv6.address', ipv6Gateway: 'ipv6.gateway',
  vethPair: 'veth.pair', vethMode: 'veth.mode', vlanId: 'vlan.id', macvlanMode: 'macvlan.mode', scriptUp: 'script.up', scriptDown: 'script.down',
};
/** Any other item of a nic, by its name after lxc.net.N. ('ipvlan.mode', 'l2proxy', 'veth.ipv4.route'). */
export type NetworkSubkey = string & {};
const SUBKEY = /^[a-z0-9_]+(\.[a-z0-9_]+)*$/;

/**
 * One nic of the container's config, lxc.net.N.*: each property reads or writes its config item
 * (in memory, until saveConfig()). List-valued items (ipv4Address, ipv6Address) read as '\n'-joined.
 *
 * @example
 * c.network[0].link = 'br0';
 * console.log(c.network[0].type, c.network[0].hwaddr);
 */
export class NetworkInterface {
  /** The nic's N in lxc.net.N. */
  readonly index: number;

  /**
   * Made by the container's `network` list.
   * @internal
   */
  constructor(private readonly config: ConfigAccess, index: number) {
    this.index = index;
  }

  /**
   * The config key of `name` for this nic: a property name ('link' → 'lxc.net.0.link') or any item
   * liblxc has under lxc.net.N ('ipvlan.mode' → 'lxc.net.0.ipvlan.mode').
   */
  key(name: NetworkKey | NetworkSubkey): string {
    // typeof first: Object.hasOwn would convert an object (a Proxy, a getter's owner) to a key, running its code.
    const sub = typeof name !== 'string' ? undefined : Object.hasOwn(KEYS, name) ? KEYS[name as NetworkKey] : name;
    if (typeof sub !== 'string' || !SUBKEY.test(sub)) {
      throw new LxcError('EINVAL', `network[${this.index}]: ${typeof name === 'string' ? JSON.stringify(name) : `a ${typeof name}`} is not a nic item (a property such as 'link', or an item such as 'ipvlan.mode')`, { op: 'network' });
    }
    return `lxc.net.${this.index}.${sub}`;
  }

  /**
   * Reads one of this nic's items ('' when unset); unknown items are EINVAL.
   *
   * @example
   * c.network[0].get('veth.ipv4.route')
   */
  get(name: NetworkKey | NetworkSubkey): string {
    return this.config.getConfigItem(this.key(name));
  }

  /**
   * The items liblxc lists for this nic's type (get_keys); get() and set() take any item liblxc
   * knows, listed or not (5.0.2 leaves `l2proxy` out of the list, yet takes it).
   *
   * @example
   * c.network[0].keys() // ['type', 'flags', 'link', ..., 'ipvlan.mode', 'l2proxy', ...]
   */
  keys(): string[] {
    return this.config.getKeys(`lxc.net.${this.index}`);
  }

  /**
   * Sets one of this nic's items; '' clears it.
   *
   * @example
   * c.network[0].set('l2proxy', '1')
   */
  set(name: NetworkKey | NetworkSubkey, value: string): void {
    if (value === '') this.config.clearConfigItem(this.key(name));
    else this.config.setConfigItem(this.key(name), value);
  }

  /** The items set on this nic, by property name where there is one: `NetworkInterface { index: 0, type: 'veth', link: 'br0' }`. */
  [inspectCustom](_depth: number, options: object, inspect: Inspect): string {
    const items: Record<string, unknown> = { index: this.index };
    try {
      const names = new Map(Object.entries(KEYS).map(([prop, sub]) => [sub as string, prop]));
      for (const sub of this.keys()) {
        const value = this.config.tryConfigItem(this.key(sub));
        if (value) items[names.get(sub) ?? sub] = value;
      }
    } catch (e) {
      // A released container: say so rather than throw from console.log.
      items.error = (e as Error).message;
    }
    return `NetworkInterface ${inspect(items, options)}`;
  }
}
export interface NetworkInterface extends NetworkItems {}
for (const name of Object.keys(KEYS) as NetworkKey[]) {
  Object.defineProperty(NetworkInterface.prototype, name, {
    get(this: NetworkInterface) { return this.get(name); },
    set(this: NetworkInterface, v: string) { this.set(name, v); },
    enumerable: true,
  });
}

/**
 * The container's nics as a list: `length`, index access, iteration, `add(type)`, `remove(index)`.
 *
 * @example
 * const nic = c.network.add('veth'); nic.link = 'br0'; nic.flags = 'up';
 * for (const n of c.network) console.log(n.index, n.type);
 */
export class NetworkList {
  [index: number]: NetworkInterface;

  /**
   * Made by the container (`c.network`).
   * @internal
   */
  constructor(private readonly config: ConfigAccess) {
    return new Proxy(this, {
      get(target, prop, receiver) {
        if (typeof prop === 'string' && /^\d+$/.test(prop)) {
          const i = Number(prop);
          return i < target.length ? new NetworkInterface(target.config, target.indices()[i]) : undefined;
        }
        return Reflect.get(target, prop, receiver);
      },
    });
  }

  /** The N of every lxc.net.N in the config, ascending. */
  indices(): number[] {
    // lxc.net lists one type per nic; their N need not be contiguous, so probe lxc.net.N.type.
    const v = this.config.getConfigItem('lxc.net');
    const count = v === '' ? 0 : v.split('\n').length;
    const out: number[] = [];
    for (let n = 0; out.length < count && n < count + 256; n++) {
      if (this.config.tryConfigItem(`lxc.net.${n}.type`) !== undefined) out.push(n);
    }
    return out;
  }

  /** How many nics the config has. */
  get length(): number {
    return this.indices().length;
  }

  /**
   * Adds a nic of `type` after the last (lxc.net.N.type; liblxc refuses a type it does not know).
   *
   * @example
   * const nic = c.network.add('veth'); nic.link = 'lxcbr0';
   */
  add(type: NetType): NetworkInterface {
    const indices = this.indices();
    const index = indices.length ? indices[indices.length - 1] + 1 : 0;
    this.config.setConfigItem(`lxc.net.${index}.type`, type);
    return new NetworkInterface(this.config, index);
  }

  /** Removes the nic at list position `position`. */
  remove(position: number): void {
    // An integer, not any key of the array ('length', '0'): indices()[position] would take those too.
    if (typeof position !== 'number' || !Number.isInteger(position) || position < 0) {
      throw new LxcError('EINVAL', 'network.remove: position must be an integer ≥ 0', { op: 'network.remove' });
    }
    const index = this.indices()[position];
    if (index === undefined) throw new LxcError('EINVAL', `network.remove: position ${position} is past the last nic (${this.length})`, { op: 'network.remove' });
    this.config.clearConfigItem(`lxc.net.${index}`);
  }

  /**
   * The nics in list order.
   *
   * @example
   * for (const nic of c.network) console.log(nic.index, nic.type);
   */
  *[Symbol.iterator](): IterableIterator<NetworkInterface> {
    for (const i of this.indices()) yield new NetworkInterface(this.config, i);
  }

  /** The nics with their items: `NetworkList(1) [ NetworkInterface { index: 0, type: 'veth', ... } ]`. */
  [inspectCustom](depth: number, options: object, inspect: Inspect): string {
    let nics: NetworkInterface[];
    try {
      nics = [...this];
    } catch (e) {
      return `NetworkList { error: ${inspect((e as Error).message, options)} }`;
    }
    if (depth < 0) return `[NetworkList(${nics.length})]`;
    const d = (options as { depth?: number | null }).depth;
    return `NetworkList(${nics.length}) ${inspect(nics, { ...options, depth: d == null ? null : d - 1 })}`;
  }
}
