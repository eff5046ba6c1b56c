// Stops what the global setup started; jest runs this also when tests fail.
export default async function globalTeardown() {
  const infra = globalThis.__EOS_INFRA__;
  globalThis.__EOS_INFRA__ = undefined;
  await infra?.stop();
}
