import { parse, validate, type DocumentNode, type GraphQLError, type GraphQLSchema, type ValidationRule } from 'graphql';

/**
 * Parsed and validated documents for the WebSocket path, shared by every subscription that sends the
 * same query text. An open subscription keeps its document for as long as it lives, and a parsed
 * document with its token list is ~7 KB even for a one-field subscription: thousands of viewers
 * sending the same text would each hold their own copy. graphql-js only reads a document, so one
 * copy serves them all. Validation depends on the document, the schema and the rules only (all fixed
 * here), so a text that validated once needs no second validation; variables are still coerced per
 * subscription at execution.
 *
 * Bounded: at most `maxEntries` texts (a text is at most 2,000 tokens), least recently used first out.
 */
const MAX_TOKENS = 2_000;

export class SubscriptionDocuments {
  private readonly documents = new Map<string, DocumentNode>();

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly rules: readonly ValidationRule[],
    private readonly maxEntries = 100,
  ) {}

  /** The validated document for this text, or the syntax/validation errors the client gets. */
  get(query: string): { document: DocumentNode } | { errors: readonly GraphQLError[] } {
    const cached = this.documents.get(query);
    if (cached) {
      // Re-insert so that Map order stays least recently used first.
      this.documents.delete(query);
      this.documents.set(query, cached);
      return { document: cached };
    }
    let document: DocumentNode;
    try {
      document = parse(query, { maxTokens: MAX_TOKENS });
    } catch (error) {
      return { errors: [error as GraphQLError] };
    }
    const errors = validate(this.schema, document, this.rules);
    if (errors.length > 0) return { errors };
    if (this.documents.size >= this.maxEntries) this.documents.delete(this.documents.keys().next().value!);
    this.documents.set(query, document);
    return { document };
  }
}
