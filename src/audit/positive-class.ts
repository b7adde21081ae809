/**
 * Choosing the positive class of an audit.
 */
import { TransferkitError } from '../errors.ts';

const POSITIVE_NAMES = ['1', 'yes', 'true', 'positive', 'pos'];

/**
 * The positive class among `classes` (natural order): `given` when it is one of them; with two
 * classes and none given, the one named `1`/`yes`/`true`/`positive`/`pos`, else the second.
 *
 * Errors: `UNKNOWN_CLASS` (given but not a class, listing the classes), `MISSING_OPTION` (more
 * than two classes and none given), `ONE_CLASS` (one class and none given).
 *
 * @example
 * ```ts
 * choosePositive(['no', 'yes']); // { positive: 'yes', chosen: 'default' }
 * choosePositive(['a', 'b', 'c'], 'b'); // { positive: 'b', chosen: 'given' }
 * ```
 */
export function choosePositive(classes: readonly string[], given?: string): { positive: string; chosen: 'given' | 'default' } {
  if (given !== undefined) {
    if (!classes.includes(given)) {
      throw new TransferkitError('UNKNOWN_CLASS', `The positive class "${given}" is not among the classes (${classes.join(', ')})`, {
        where: 'positive option',
        hint: `Pass \`positive\` with one of: ${classes.join(', ')}.`,
      });
    }
    return { positive: given, chosen: 'given' };
  }
  if (classes.length === 2) {
    const named = classes.find((c) => POSITIVE_NAMES.includes(c.toLowerCase()));
    return { positive: named ?? classes[1], chosen: 'default' };
  }
  if (classes.length > 2) {
    throw new TransferkitError('MISSING_OPTION', `There are ${classes.length} classes (${classes.join(', ')}), so the audit needs to know which one is the positive outcome`, {
      where: 'positive option',
      hint: `Pass \`positive\` with one of: ${classes.join(', ')}; the audit is then one-vs-rest for that class.`,
    });
  }
  throw new TransferkitError('ONE_CLASS', `Labels and predictions hold one class only (${classes.join(', ')}), so there is nothing to tell apart`, {
    where: 'positive option',
    hint: 'Pass \`positive\` with the class of interest, or audit data with both outcomes.',
  });
}
