import { hash, createHash as nodeCreateHash, type BinaryLike, type BinaryToTextEncoding, type Encoding, type Hash } from 'node:crypto';

/**
 * Apollo hashes the text of every GraphQL request (SHA-256, hex) to find the document it parsed and
 * validated before. Dashboards and content send the same few query texts over and over, and each
 * `createHash` builds a native hash object: the subject's query hash cost more than our whole
 * exchange in a profile of path 2 (bench/FINDINGS.md, "Apollo's query hash remembered"). So the hex
 * digest of a text is remembered, keyed by the text itself: a lookup compares the whole string, so
 * it can only answer the text that was hashed.
 */
const MAX_REMEMBERED_TEXTS = 512;
/** Apollo's document cache keeps no document above 16 KiB of JSON (http/graphql-http.ts). */
const MAX_REMEMBERED_LENGTH = 16 * 1024;
const sha256HexByText = new Map<string, string>();

export function sha256Hex(text: string): string {
  const remembered = text.length <= MAX_REMEMBERED_LENGTH ? sha256HexByText.get(text) : undefined;
  if (remembered !== undefined) return remembered;
  // Node's one-shot hash, as infra/crypto.ts uses: no hash object for a text seen the first time.
  const hex = hash('sha256', text, 'hex');
  if (text.length <= MAX_REMEMBERED_LENGTH) {
    // Oldest first: a text still in use is hashed again once and stays for another 512 new ones.
    if (sha256HexByText.size >= MAX_REMEMBERED_TEXTS) sha256HexByText.delete(sha256HexByText.keys().next().value!);
    sha256HexByText.set(text, hex);
  }
  return hex;
}

/**
 * SHA-256 that takes the remembered path for the one shape Apollo uses, a single string then a hex
 * digest; any other use (a Buffer, several updates, another digest encoding) is Node's hash, fed the
 * same input.
 */
class RememberingSha256 {
  private text: string | undefined;
  private hash: Hash | undefined;

  update(data: BinaryLike, encoding?: Encoding): this {
    if (this.hash === undefined && this.text === undefined && typeof data === 'string' && encoding === undefined) {
      this.text = data;
    } else if (typeof data === 'string') {
      this.started().update(data, encoding ?? 'utf8');
    } else {
      this.started().update(data);
    }
    return this;
  }

  digest(): Buffer;
  digest(encoding: BinaryToTextEncoding): string;
  digest(encoding?: BinaryToTextEncoding): string | Buffer {
    if (this.hash === undefined && this.text !== undefined && encoding === 'hex') return sha256Hex(this.text);
    return encoding === undefined ? this.started().digest() : this.started().digest(encoding);
  }

  private started(): Hash {
    if (this.hash) return this.hash;
    this.hash = nodeCreateHash('sha256');
    if (this.text !== undefined) this.hash.update(this.text);
    this.text = undefined;
    return this.hash;
  }
}

/** What `@apollo/utils.createhash` exports, for the bundle (scripts/bundle-shims/apollo-createhash.ts). */
export function createHash(algorithm: string): Pick<Hash, 'update' | 'digest'> {
  return algorithm === 'sha256' ? (new RememberingSha256() as unknown as Pick<Hash, 'update' | 'digest'>) : nodeCreateHash(algorithm);
}
