// The container.network view (lib/net/list.ts) over a config store: indices found by probing (they
// need not be contiguous), add after the last, remove by list position, '' clears an item. The
// store below answers as liblxc's get_config_item does for lxc.net (one type per nic) and for a
// missing nic (no value at all); test/integration/config.test.ts runs the view on real configs.
import t from 'tap';
import { NetworkList, type ConfigAccess } from '../../lib/net/list.js';

function store(initial: Record<string, string>): ConfigAccess & { items: Map<string, string> } {
  const items = new Map(Object.entries(initial));
  const nics = () => [...new Set([...items.keys()].map((k) => /^lxc\.net\.(\d+)\./.exec(k)?.[1]).filter((n): n is string => n !== undefined))].map(Number).sort((a, b) => a - b);
  return {
    items,
    getConfigItem(key) {
      if (key === 'lxc.net') return nics().map((n) => items.get(`lxc.net.${n}.type`)).join('\n');
      return items.get(key) ?? '';
    },
    tryConfigItem(key) {
      const n = /^lxc\.net\.(\d+)\./.exec(key)?.[1];
      if (n !== undefined && !nics().includes(Number(n))) return undefined;
      return items.get(key) ?? '';
    },
    setConfigItem(key, value) { items.set(key, value); },
    clearConfigItem(key) {
      for (const k of [...items.keys()]) if (k === key || k.startsWith(`${key}.`)) items.delete(k);
    },
    getKeys(prefix) {
      return [...items.keys()].filter((k) => k.startsWith(`${prefix}.`)).map((k) => k.slice(prefix.length + 1));
    },
  };
}

t.test('any item under lxc.net.N, besides the properties; malformed names refused', async (t) => {
  const s = store({ 'lxc.net.0.type': 'veth' });
  const nic = new NetworkList(s)[0];
  t.equal(nic.key('ipvlan.mode'), 'lxc.net.0.ipvlan.mode');
  t.equal(nic.key('link'), 'lxc.net.0.link', 'a property name maps as before');
  nic.set('l2proxy', '1');
  t.equal(s.items.get('lxc.net.0.l2proxy'), '1');
  t.equal(nic.get('l2proxy'), '1');
  t.same(nic.keys().sort(), ['l2proxy', 'type']);
  for (const bad of ['', 'Link', 'a..b', 'veth.pair\nlxc.hook', '.x', 'x.']) {
    t.throws(() => nic.key(bad), { name: 'LxcError', code: 'EINVAL' }, JSON.stringify(bad));
  }
});

t.test('nics with a gap in their numbers: length, index access, iteration', async (t) => {
  const s = store({ 'lxc.net.0.type': 'veth', 'lxc.net.0.link': 'br0', 'lxc.net.2.type': 'empty' });
  const list = new NetworkList(s);
  t.equal(list.length, 2);
  t.same(list.indices(), [0, 2]);
  t.equal(list[0].link, 'br0');
  t.equal(list[1].type, 'empty', 'position 1 is lxc.net.2');
  t.equal(list[1].key('vethPair'), 'lxc.net.2.veth.pair');
  t.equal(list[2], undefined, 'past the end');
  t.same([...list].map((n) => n.index), [0, 2]);
});

t.test('add goes after the last nic; properties write their items; "" clears', async (t) => {
  const s = store({ 'lxc.net.0.type': 'veth', 'lxc.net.3.type': 'veth' });
  const list = new NetworkList(s);
  const nic = list.add('macvlan');
  t.equal(nic.index, 4);
  nic.macvlanMode = 'bridge';
  t.equal(s.items.get('lxc.net.4.macvlan.mode'), 'bridge');
  t.equal(list[2].macvlanMode, 'bridge', 'read back through the list');
  nic.macvlanMode = '';
  t.notOk(s.items.has('lxc.net.4.macvlan.mode'), 'cleared');
});

t.test('remove by list position clears the whole nic; past the end is LxcError EINVAL', async (t) => {
  const s = store({ 'lxc.net.0.type': 'veth', 'lxc.net.0.link': 'br0', 'lxc.net.5.type': 'empty' });
  const list = new NetworkList(s);
  list.remove(0);
  t.same(list.indices(), [5]);
  t.notOk(s.items.has('lxc.net.0.link'), "the removed nic's other items went too");
  t.throws(() => list.remove(3), { name: 'LxcError', code: 'EINVAL', message: /past the last nic/ });
});
