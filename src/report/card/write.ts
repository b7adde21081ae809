/**
 * Writing a model card: `model_card.json` and `MODEL_CARD.md`, each atomically.
 *
 * @module
 */
import { join } from 'node:path';
import { writeFileAtomic, writeJsonAtomic } from '../../util/atomic.ts';
import { buildModelCard, type CardOptions } from './build.ts';
import { modelCardMarkdown } from './markdown.ts';
import { assertModelCard } from './schema.ts';
import type { ModelCard } from './types.ts';

/** File name of the card as JSON. */
export const CARD_JSON = 'model_card.json';
/** File name of the card as Markdown. */
export const CARD_MARKDOWN = 'MODEL_CARD.md';

/**
 * Writes a card into `dir` (created if needed) as `model_card.json` and `MODEL_CARD.md`. The
 * card is checked against its schema and rendered before anything is written, and each file is
 * written to a temporary name and renamed into place, so a reader never sees half a card.
 *
 * @throws TransferkitError `BAD_INPUT` (a card that does not match the schema), `WRITE_FAILED`,
 *   `NOT_A_DIRECTORY`, `NOT_A_FILE` (from the atomic writer; the path is named).
 * @example
 * ```ts
 * const { json, markdown } = await writeModelCard(await buildModelCard('runs/iris'), 'runs/iris');
 * ```
 */
export async function writeModelCard(card: ModelCard, dir: string): Promise<{ json: string; markdown: string }> {
  assertModelCard(card, dir);
  const markdown = modelCardMarkdown(card);
  const paths = { json: join(dir, CARD_JSON), markdown: join(dir, CARD_MARKDOWN) };
  await writeJsonAtomic(paths.json, card);
  await writeFileAtomic(paths.markdown, markdown);
  return paths;
}

/**
 * Builds the card of a run and writes it (into the run folder, or `out`): what `transferkit
 * card` does, and what `fit --card` / `adapt --card` call once the run is written.
 *
 * @throws TransferkitError as {@link buildModelCard} and {@link writeModelCard}.
 * @example
 * ```ts
 * const { card, files } = await writeRunCard('runs/iris', { intendedUse: 'teaching' });
 * console.log(files.markdown); // runs/iris/MODEL_CARD.md
 * ```
 */
export async function writeRunCard(runFolder: string, opts: CardOptions & { out?: string } = {}): Promise<{ card: ModelCard; files: { json: string; markdown: string } }> {
  const card = await buildModelCard(runFolder, opts);
  const files = await writeModelCard(card, opts.out ?? runFolder);
  return { card, files };
}
