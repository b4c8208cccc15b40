import { generateKeyPair, importJWK, SignJWT, decodeJwt, decodeProtectedHeader, type JWK } from 'jose';

/**
 * Hostile ID Tokens for checklist A10: the provider answers a real code exchange, and this rewrites
 * the id_token in its response just before it leaves. Claims faults are re-signed with the provider's
 * own key, so only the claim itself is wrong; signature faults keep the claims and break the JWS.
 */
export type IdTokenFault = 'wrong-nonce' | 'missing-nonce' | 'wrong-audience' | 'wrong-issuer' | 'alg-none' | 'foreign-signature' | 'expired';

export async function tamperIdToken(idToken: string, fault: IdTokenFault, providerKey: JWK): Promise<string> {
  const header = decodeProtectedHeader(idToken);
  const claims: Record<string, unknown> = { ...decodeJwt(idToken) };
  const now = Math.floor(Date.now() / 1000);
  switch (fault) {
    case 'wrong-nonce':
      claims.nonce = 'a-nonce-from-another-transaction';
      break;
    case 'missing-nonce':
      delete claims.nonce;
      break;
    case 'wrong-audience':
      claims.aud = 'some-other-client';
      break;
    case 'wrong-issuer':
      claims.iss = 'https://attacker.example/oidc';
      break;
    case 'expired':
      Object.assign(claims, { iat: now - 7200, exp: now - 3600 });
      break;
    case 'alg-none': {
      const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
      return `${encode({ alg: 'none', typ: 'JWT' })}.${encode(claims)}.`;
    }
    case 'foreign-signature': {
      const { privateKey } = await generateKeyPair('RS256');
      return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: header.kid! }).sign(privateKey);
    }
  }
  const key = await importJWK(providerKey, 'RS256');
  return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: header.kid!, typ: header.typ }).sign(key);
}
