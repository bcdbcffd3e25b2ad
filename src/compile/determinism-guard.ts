/**
 * Notices when code in the compile's vm does something whose result is not a function of the
 * project's files: reads the clock (`Date.now()`, `new Date()`, `Date()`), draws a random
 * number, or prints (a reused graph would print nothing). Such a compile still works; its
 * graph is only not stored for reuse (graph-cache.ts). Dates built from a value, as core and
 * most projects make them, are not noticed.
 */
import vm from "node:vm";

const GUARD = `(function (note) {
  const RealDate = Date;
  const realNow = RealDate.now;
  RealDate.now = function now() { note("Date.now()"); return realNow.call(RealDate); };
  globalThis.Date = new Proxy(RealDate, {
    apply(target, thisArgument, args) { note("Date()"); return Reflect.apply(target, thisArgument, args); },
    construct(target, args, newTarget) {
      if (args.length === 0) note("new Date()");
      return Reflect.construct(target, args, newTarget);
    },
  });
  const realRandom = Math.random;
  Math.random = function random() { note("Math.random()"); return realRandom(); };
  const hostConsole = globalThis.console;
  const guardedConsole = {};
  for (const name of Object.keys(hostConsole)) {
    const method = hostConsole[name];
    guardedConsole[name] = typeof method === "function" ? function (...args) { note("console." + name + "()"); return method.apply(hostConsole, args); } : method;
  }
  globalThis.console = guardedConsole;
})`;

/** Installs the guard in a fresh context; `note` gets what was done, each time. */
export function guardDeterminism(context: vm.Context, note: (what: string) => void): void {
  (vm.runInContext(GUARD, context) as (note: (what: string) => void) => void)(note);
}
