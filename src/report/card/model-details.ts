/**
 * The model-details fields of a card as labelled rows, in one order: the Markdown card and the
 * HTML report render the same list.
 *
 * @module
 */
import type { ModelDetails } from './types.ts';

/**
 * Every model-details field as `[label, value]`, in the order cards show them.
 *
 * @example
 * ```ts
 * modelDetailRows(card.modelDetails)[0]; // ['Name', 'iris-mlp']
 * ```
 */
export function modelDetailRows(d: ModelDetails): Array<[string, string]> {
  return [
    ['Name', d.name],
    ['Version', d.version],
    ['Date', d.date],
    ['Type', d.type],
    ['Base model', d.baseModel],
    ['Strategy', d.strategy],
    ['Head', d.head],
    ['Engine', d.engine],
    ['Data kind', d.dataKind],
    ['Classes', d.classes.join(', ')],
    ['transferkit', d.transferkitVersion],
    ['Licence', d.licence],
    ['Citation', d.citation],
    ['Contact', d.contact],
  ];
}
