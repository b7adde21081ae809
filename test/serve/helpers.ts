/**
 * Shared pieces of the dashboard tests: a runs folder with a finished iris run (trained here,
 * 3 epochs), and requests to the Hono app as if from a given address.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fit } from '../../src/transfer/fit.ts';

/** A temporary folder removed when the process exits. */
export async function tempRoot(prefix: string): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), prefix));
  process.on('exit', () => void rm(root, { recursive: true, force: true }));
  return root;
}

/** A runs folder holding `iris`: a finished scratch MLP on builtin:iris (3 epochs). */
export async function irisRuns(prefix = 'tk-serve-'): Promise<string> {
  const root = await tempRoot(prefix);
  const res = await fit({ strategy: 'scratch', arch: 'mlp', train: 'builtin:iris', epochs: 3, out: join(root, 'iris') });
  res.model.dispose();
  return root;
}

/** The env @hono/node-server passes: the socket with the client's address. */
export function from(remoteAddress: string): { incoming: { socket: { remoteAddress: string } } } {
  return { incoming: { socket: { remoteAddress } } };
}
