/**
 * Turning raw e-mail messages (as in the SpamAssassin corpus) into plain message text.
 */

/**
 * Returns the subject and body of a raw e-mail: the header block (everything up to the first
 * blank line) is dropped except the `Subject:` header, whose folded continuation lines are
 * joined. The result is `subject + "\n\n" + body`; the body is kept as written (HTML and
 * MIME parts included).
 *
 * @example
 * ```ts
 * messageText('From: a@b\nSubject: Hi\n\nHello there'); // 'Hi\n\nHello there'
 * ```
 */
export function messageText(raw: string): string {
  const text = raw.replace(/\r\n/g, '\n');
  const split = text.search(/\n[ \t]*\n/);
  const head = split < 0 ? text : text.slice(0, split);
  const body = split < 0 ? '' : text.slice(split).replace(/^\n[ \t]*\n/, '');
  const lines = head.split('\n');
  let subject = '';
  for (let i = 0; i < lines.length; i++) {
    const m = /^subject:[ \t]?(.*)$/i.exec(lines[i]);
    if (!m) continue;
    subject = m[1];
    while (i + 1 < lines.length && /^[ \t]/.test(lines[i + 1])) subject += ' ' + lines[++i].trim();
    break;
  }
  return `${subject.trim()}\n\n${body}`;
}
