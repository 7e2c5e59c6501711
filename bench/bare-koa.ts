import Koa from 'koa';

/**
 * The ceiling: a bare Koa endpoint answering the same small JSON an introspection
 * answers, in its own process, like Tessera. Started by bench/run.ts.
 */
const app = new Koa();
app.use(async (ctx) => {
  ctx.set('Cache-Control', 'no-store');
  ctx.body = { active: false };
});
const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : ''}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
