// What a reader sees. A message of spaces, zero-width or control characters looks empty in every client,
// so it is refused like an empty one; control characters (other than tab and line breaks) have no place
// in a message at all, and would reach every reader's terminal or log.

/** Characters that show nothing: white space, controls, format characters (zero-width, bidi marks), fillers. */
const INVISIBLE = /^[\p{White_Space}\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\u115F\u1160\u2800\u3164\uFFA0]*$/u;
const CONTROL = /(?![\t\n\r])\p{Cc}/u;

/** Why a text would not read as a message (or a display name), or undefined when it does. */
export function unreadableText(text: string): string | undefined {
  if (INVISIBLE.test(text)) return 'must contain a visible character';
  return controlCharacters(text);
}

const LINE_BREAK = /[\t\n\r\v\f\u0085\u2028\u2029]/u;

/** Why a name shown on one line beside a username (a display name) is refused, or undefined. */
export function unreadableName(text: string): string | undefined {
  return (
    unreadableText(text) ??
    (LINE_BREAK.test(text) ? 'must be one line, without tabs or line breaks' : undefined)
  );
}

/** Why a text that may be blank (a bio) is refused, or undefined when it is not. */
export function controlCharacters(text: string): string | undefined {
  if (CONTROL.test(text)) return 'must not contain control characters other than tab and line breaks';
  return undefined;
}
