/**
 * oidc-provider warns, once per process, that it prefers Node 22 LTS. Tessera supports
 * Node 20.19+ as well (see README), so drop that one line to keep test output readable.
 */
const warn = console.warn.bind(console);
console.warn = (...args: unknown[]) => {
  if (typeof args[0] === 'string' && args[0].startsWith('oidc-provider WARNING: Unsupported runtime')) return;
  warn(...args);
};
