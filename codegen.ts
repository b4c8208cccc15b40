import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * Typed documents for every operation the tests (and examples) send: `graphql(\`...\`)` from
 * test/generated/ returns a TypedDocumentNode, so a query that drifts from schema.graphql fails
 * `npm run typecheck:test`. Run `npm run codegen` after changing an operation or the schema.
 */
const config: CodegenConfig = {
  schema: 'schema.graphql',
  documents: ['test/**/*.ts', '!test/generated/**'],
  generates: {
    'test/generated/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        scalars: { DateTime: 'string' },
        strictScalars: true,
      },
    },
  },
  ignoreNoDocuments: true,
  emitLegacyCommonJSImports: false,
};

export default config;
