// The cgroup file parsers of lib/container/resources.ts, on the formats the kernel documents
// (Documentation/admin-guide/cgroup-v2.rst, cgroup-v1/blkio-controller.rst). Pure TypeScript.
import t from 'tap';
import { keyed, ioStatV2, blkioV1 } from '../../lib/container/resources.js';

t.test('cpu.stat and cpuacct.stat lines', async (t) => {
  const v2 = keyed('usage_usec 1500\nuser_usec 1000\nsystem_usec 500\nnr_periods 0\n');
  t.equal(v2.get('usage_usec'), 1500);
  t.equal(v2.get('system_usec'), 500);
  t.equal(keyed('user 439\nsystem 2009').get('system'), 2009);
  t.equal(keyed('garbage\n\nx y').size, 0, 'lines without a number are left out');
});

t.test('io.stat (v2): every device summed', async (t) => {
  const text = '8:16 rbytes=1459200 wbytes=314773504 rios=192 wios=353 dbytes=0 dios=0\n8:0 rbytes=90430464 wbytes=299008000 rios=8950 wios=1252 dbytes=50331648 dios=3021\n';
  t.same(ioStatV2(text), { readBytes: 1459200 + 90430464, writeBytes: 314773504 + 299008000, reads: 192 + 8950, writes: 353 + 1252 });
  t.same(ioStatV2(''), { readBytes: 0, writeBytes: 0, reads: 0, writes: 0 }, 'no devices: zeros');
});

t.test('blkio.throttle.io_service_bytes (v1): Read and Write per device summed, Total left out', async (t) => {
  const text = '8:0 Read 4096\n8:0 Write 8192\n8:0 Sync 12288\n8:0 Async 0\n8:0 Total 12288\n8:16 Read 100\n8:16 Write 0\nTotal 12388';
  t.same(blkioV1(text), { read: 4196, write: 8192 });
  t.same(blkioV1('Total 0'), { read: 0, write: 0 });
});
