// The netlink helper of a normal user's getAddresses() (entered.ts): started as `nsenter --user
// --net --target <init> --preserve-credentials -- node netns-helper`, so that it runs in the
// container's user and network namespaces (a multi-threaded process such as Node cannot join a
// user namespace itself; nsenter does, then runs this). It opens a NETLINK_ROUTE socket there,
// hands it back on fd 3 (SCM_RIGHTS) and exits. Its imports: ffi/libc.ts and socket.ts only.
import * as libc from '../../ffi/libc.js';
import { AF_NETLINK, NETLINK_ROUTE, SOCK_CLOEXEC, SOCK_NONBLOCK, SOCK_RAW } from '../../ffi/libc.js';
import { sendBytes } from '../proc/socket.js';

const SOCKET = 3;
const sock = libc.socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_ROUTE) as number;
if (sock < 0) {
  process.stderr.write(`netns-helper: socket(AF_NETLINK): errno ${libc.koffi.errno()}\n`);
  process.exit(1);
}
sendBytes(SOCKET, Buffer.from([1]), [sock]);
process.exit(0);
