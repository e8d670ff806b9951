// Always stops the DynamoDB Local that global setup started (by its own process group).
export default async function globalTeardown() {
  await globalThis.__dynamo?.stop();
}
