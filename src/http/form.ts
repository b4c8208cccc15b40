/**
 * `application/x-www-form-urlencoded` bodies, read the way `URLSearchParams#get` reads them (the first
 * value of a name wins, `+` is a space, percent-escapes are UTF-8), for the credential exchange: posit-sdk
 * sends one form per Databricks request. `new URLSearchParams(body)` decodes every character in a
 * JavaScript loop and was ~12% of the exchange's CPU time in `npm run bench`'s profile; slicing at `&`
 * and `=` and decoding only the parts that hold an escape costs about a third of that.
 *
 * What repeats on every exchange (the names, posit-sdk's escaped URNs) is compared with `===` rather
 * than looked up in a hash map: a map hashes each new string over all its characters. That took a
 * posit-sdk body from ~620 to ~360 ns in a stand-alone loop (bench/FINDINGS.md). `startsWith` in place
 * would spare the slices but costs more than both.
 */
export function parseForm(raw: string): Map<string, string> {
  const fields = new Map<string, string>();
  let start = 0;
  while (start < raw.length) {
    let end = raw.indexOf('&', start);
    if (end < 0) end = raw.length;
    if (end > start) {
      let equals = raw.indexOf('=', start);
      if (equals < 0 || equals > end) equals = end;
      const rawName = raw.slice(start, equals);
      const name = knownName(rawName) ?? decodeFormPart(rawName);
      if (name === undefined) return viaUrlSearchParams(raw);
      if (!fields.has(name)) {
        const value = equals === end ? '' : decodeFormPart(raw.slice(equals + 1, end));
        if (value === undefined) return viaUrlSearchParams(raw);
        fields.set(name, value);
      }
    }
    start = end + 1;
  }
  return fields;
}

/** The RFC 8693 names the exchange reads: a name equal to one is keyed by the constant, whose hash is known. */
const KNOWN_NAMES = ['grant_type', 'subject_token_type', 'subject_token', 'requested_token_type', 'audience'];

function knownName(part: string): string | undefined {
  for (let i = 0; i < KNOWN_NAMES.length; i++) if (KNOWN_NAMES[i] === part) return KNOWN_NAMES[i];
  return undefined;
}

/**
 * Escaped parts decoded recently. Clients send the same escaped constants on every exchange (posit-sdk's
 * `grant_type` and `subject_token_type` URNs): comparing them with `===` costs a fraction of
 * `decodeURIComponent`. Short parts only, a few slots reused in turn, so what a client varies cannot make
 * it grow. Session tokens (~370 characters, and base64url needs no escapes) are longer than the limit:
 * no credential stays here.
 */
const MEMO_PART_LENGTH = 128;
const recentEscapes: { part: string; decoded: string }[] = [];
const RECENT_ESCAPES = 8;
let nextSlot = 0;

/** undefined when the part holds a malformed escape: the standard parser's lenient rules then apply. */
function decodeFormPart(part: string): string | undefined {
  if (!part.includes('%')) return plusAsSpace(part);
  const memo = part.length <= MEMO_PART_LENGTH;
  if (memo) {
    for (let i = 0; i < recentEscapes.length; i++) if (recentEscapes[i]!.part === part) return recentEscapes[i]!.decoded;
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(plusAsSpace(part));
  } catch {
    return undefined;
  }
  if (memo) {
    recentEscapes[nextSlot] = { part, decoded };
    nextSlot = (nextSlot + 1) % RECENT_ESCAPES;
  }
  return decoded;
}

const plusAsSpace = (part: string) => (part.includes('+') ? part.replaceAll('+', ' ') : part);

/** Malformed escapes are rare and never on the hot path: the WHATWG parser keeps them as text. */
function viaUrlSearchParams(raw: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const [name, value] of new URLSearchParams(raw)) if (!fields.has(name)) fields.set(name, value);
  return fields;
}
