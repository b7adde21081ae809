/**
 * Writes README's table of training settings (between `<!-- settings-table -->` markers) from
 * the settings table in src/transfer/settings.ts. `test/transfer/settings.test.ts` checks they agree.
 *
 *   node --import tsx scripts/readme-settings.ts
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { settingsTable } from '../src/transfer/settings.ts';
import { writeFileAtomic } from '../src/util/atomic.ts';

const readme = fileURLToPath(new URL('../README.md', import.meta.url));
const text = await readFile(readme, 'utf8');
await writeFileAtomic(readme, text.replace(/<!-- settings-table -->[\s\S]*?<!-- \/settings-table -->/, `<!-- settings-table -->\n${settingsTable()}\n<!-- /settings-table -->`));
