// Every option object of the public API, by family: lib/options/<family>.ts, as lib/container/ has
// the families' methods (global.ts: the calls outside a container's methods), holds each type as one
// block (the interface with its TSDoc per field and the default stated, its defaults object, its
// schema), and lib/options/parse.ts how a call reads them (`options()`: parsed, defaults under).
//
//   lifecycle.ts   start, execute, destroy, stop/snapshot (AbortOptions), shutdown/reboot/wait;
//                  create: CreateOptions, BdevSpecs, the download/local/any template's, its events
//   attach.ts      attach, attachWait, exec, evaluate, openSession, attachShell
//   snapshots.ts   clone
//   console.ts     console, consoleLog
//   checkpoint.ts  checkpoint, restore, migrate
//   devices.ts     mount, umount
//   files.ts       c.files: write, push, mkdir, read, remove
//   network.ts     getIps
//   global.ts      listContainers/containers, new Container, logInit, watch, checkHost: checked
//                  without zod
//
// No zod is loaded by any of them: each schema is built on its first use.
export * from './options/lifecycle.js';
export * from './options/attach.js';
export * from './options/snapshots.js';
export * from './options/console.js';
export * from './options/checkpoint.js';
export * from './options/devices.js';
export * from './options/files.js';
export * from './options/network.js';
export * from './options/global.js';
// The convention's pieces (docs/conventions.md): the unit of every timeout, liblxc's spellings of keys.
export { optionAliases, type OptionAlias, type Seconds, type Canonical } from './options/parse.js';
